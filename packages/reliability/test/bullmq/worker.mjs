// The worker: processes JOB_COUNT jobs in the trace of whoever added them (continueJobTrace; the 'linked' case as a
// linked new trace, as the repeated job's runs), each a 'job' trace with a generation; the 'retried' case fails its first attempt.
// Prints {"ready": true} once listening, exits after the last job with its spans flushed.
import { Worker } from 'bullmq';
import { continueJobTrace, langfuse, setupLangfuse } from '@otel-langfuse/tracing';

const tracing = setupLangfuse({ serviceName: 'worker' });
let left = Number(process.env.JOB_COUNT);
let finish;
const done = new Promise((resolve) => (finish = resolve));

const worker = new Worker(
  process.env.QUEUE_NAME,
  (job) =>
    continueJobTrace(
      job.data,
      () =>
        langfuse.trace({ name: 'job' }, (trace) =>
          trace.generation({ name: 'llm-call', model: 'demo-model', input: job.data }, async (generation) => {
            if (job.data.case === 'retried' && job.attemptsMade === 0) throw new Error('first attempt fails');
            generation.update({ output: 'done', usage: { input: 3, output: 1 } });
            return 'done';
          }),
        ),
      { mode: job.data.case === 'linked' || job.data.case === 'repeated' ? 'link' : 'continue' },
    ),
  { connection: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT) } },
);
worker.on('completed', () => {
  if (--left === 0) finish();
});
worker.on('error', (error) => console.error(`worker error: ${error.message}`));
await worker.waitUntilReady();
console.log(JSON.stringify({ ready: true }));
await done;
await worker.close();
await tracing.shutdown();
process.exit(0);
