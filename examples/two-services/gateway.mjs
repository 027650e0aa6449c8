// The gateway service: one trace per request. It hands the question to the worker with the trace context, so the
// worker's observations land in the same trace: through a BullMQ queue when the demo runs Redis (REDIS_PORT set;
// withJobTrace() on the job data), else over HTTP (injectTraceContext() on the headers). Run by ../demo.mjs; prints
// {"ready": url} when listening.
import http from 'node:http';
import { injectTraceContext, langfuse, setupLangfuse, withJobTrace } from '@otel-langfuse/tracing';
import { QUEUE_NAME, redisConnection } from './job-queue.mjs';
import { exitOnShutdown } from './service-lifetime.mjs';

const tracing = setupLangfuse({ serviceName: 'gateway' });
const workerUrl = process.env.WORKER_URL;
/** How long a request waits for its job before it gives up. */
const JOB_TIMEOUT_MS = 15_000;

const connection = redisConnection();
const jobs = connection ? await openQueue(connection) : undefined;

async function openQueue(connection) {
  const { Queue, QueueEvents } = await import('bullmq');
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  await events.waitUntilReady();
  return { queue, events };
}

/** The worker's answer, through the queue: the job carries the trace; its observations hang under this span. */
function askThroughQueue(trace, question) {
  return trace.span({ name: 'enqueue answer', input: { question } }, async (span) => {
    const job = await jobs.queue.add('answer', withJobTrace({ question }), { removeOnComplete: true, removeOnFail: true });
    const result = await job.waitUntilFinished(jobs.events, JOB_TIMEOUT_MS);
    span.update({ output: result, metadata: { queue: QUEUE_NAME, jobId: job.id } });
    return result;
  });
}

/** The worker's answer, over HTTP: the trace context travels in the request headers. */
function askOverHttp(trace, question) {
  return trace.span({ name: 'call-worker', input: { question } }, async (span) => {
    const response = await fetch(workerUrl, {
      method: 'POST',
      headers: injectTraceContext({ 'content-type': 'application/json' }),
      body: JSON.stringify({ question }),
    });
    if (!response.ok) throw new Error(`the worker answered HTTP ${response.status}`);
    const result = await response.json();
    span.update({ output: result });
    return result;
  });
}

const server = http.createServer((req, res) =>
  langfuse.trace({ name: 'ask', userId: 'user-42', sessionId: 'session-7', tags: ['demo'] }, async (trace) => {
    const question = new URL(req.url ?? '/', 'http://localhost').searchParams.get('q') ?? 'What is OpenTelemetry?';
    trace.update({ input: { question } });
    try {
      const { answer } = await (jobs ? askThroughQueue(trace, question) : askOverHttp(trace, question));
      trace.event({ name: 'answer-ready', metadata: { chars: answer.length } });
      trace.update({ output: { answer } });
      res.writeHead(200, { 'content-type': 'application/json', 'x-trace-id': trace.id });
      res.end(JSON.stringify({ answer }));
    } catch (error) {
      // The worker failed, timed out or is unreachable: the caller gets a 502, the gateway keeps serving. The span
      // that failed records the error in the trace.
      const message = `the worker gave no answer: ${error?.message ?? error}`;
      trace.update({ level: 'ERROR', statusMessage: message, output: { error: message } });
      res.writeHead(502, { 'content-type': 'application/json', 'x-trace-id': trace.id });
      res.end(JSON.stringify({ error: message }));
    }
  }),
);

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: `http://127.0.0.1:${server.address().port}` }));
});

exitOnShutdown(async () => {
  server.close();
  await Promise.allSettled([jobs?.events.close(), jobs?.queue.close()]);
  await tracing.shutdown();
});
