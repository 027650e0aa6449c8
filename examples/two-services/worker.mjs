// The worker service: performs a (simulated) LLM generation in the caller's trace. It takes questions over HTTP
// (continueTrace() reads the trace from the request headers) and, when the demo runs Redis (REDIS_PORT set), as
// BullMQ jobs too (continueJobTrace() reads it from the job data). Run by ../demo.mjs; prints {"ready": url} when
// listening.
import http from 'node:http';
import { continueJobTrace, continueTrace, langfuse, setupLangfuse } from '@otel-langfuse/tracing';
import { QUEUE_NAME, redisConnection } from './job-queue.mjs';
import { exitOnShutdown } from './service-lifetime.mjs';

const tracing = setupLangfuse({ serviceName: 'worker' });

async function fakeLlm(question) {
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { text: `A short answer to "${question}".`, usage: { input: 12, output: 9, total: 21 } };
}

/** The worker's part of the trace: a root observation named `name` with the generation under it. */
function answer(name, question) {
  return langfuse.trace({ name }, async (trace) => {
    const text = await trace.generation(
      { name: 'llm-call', model: 'demo-model-1', modelParameters: { temperature: 0.2 }, input: [{ role: 'user', content: question }] },
      async (generation) => {
        const result = await fakeLlm(question);
        generation.update({ output: { role: 'assistant', content: result.text }, usage: result.usage });
        return result.text;
      },
    );
    trace.update({ output: text });
    return text;
  });
}

const server = http.createServer((req, res) =>
  continueTrace(req, async () => {
    const body = await new Promise((resolve) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data));
    });
    try {
      const { question } = JSON.parse(body || '{}');
      const text = await answer('worker: answer', question);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ answer: text }));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error?.message ?? error) }));
    }
  }),
);

const connection = redisConnection();
const jobWorker = connection ? await startJobWorker(connection) : undefined;

async function startJobWorker(connection) {
  const { Worker } = await import('bullmq');
  const worker = new Worker(QUEUE_NAME, (job) => continueJobTrace(job.data, async () => ({ answer: await answer('job: answer', job.data.question) })), {
    connection,
  });
  worker.on('error', (error) => console.error(`job worker: ${error.message}`));
  await worker.waitUntilReady();
  return worker;
}

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: `http://127.0.0.1:${server.address().port}` }));
});

// The SIGTERM pattern: stop taking requests and jobs, deliver what is queued, then exit.
exitOnShutdown(async () => {
  server.close();
  await Promise.allSettled([jobWorker?.close()]);
  await tracing.shutdown();
});
