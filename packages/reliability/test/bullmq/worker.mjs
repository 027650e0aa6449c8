// The worker: processes JOB_COUNT jobs in the trace of whoever added them (continueJobTrace; the 'linked' case as a
// linked new trace, as the 'repeated' scheduler's runs; the 'scheduled' scheduler's runs continue), each a 'job' trace with a generation; the 'retried' case fails its first attempt.
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
          trace.generation({ name: 'llm-call', model: 'demo-model', input: job.data, metadata: { jobId: job.id, repeatJobKey: job.repeatJobKey ?? 'none' } }, async (generation) => {
            if (job.data.case === 'retried' && job.attemptsMade === 0) throw new Error('first attempt fails');
            generation.update({ output: 'done', usage: { input: 3, output: 1 } });
            return 'done';
          }),
        ),
      // A scheduler's runs carry its id in job.repeatJobKey: what a worker choosing link mode for them goes by.
      { mode: job.data.case === 'linked' || job.repeatJobKey === 'every-300ms' ? 'link' : 'continue' },
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
