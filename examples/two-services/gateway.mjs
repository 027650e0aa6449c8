// The gateway service: one trace per request; calls the worker with the trace context in the headers, so the
// worker's observations land in the same trace. Run by ../demo.mjs; prints {"ready": url} when listening.
import http from 'node:http';
import { injectTraceContext, langfuse, setupLangfuse } from '@otel-langfuse/tracing';

const tracing = setupLangfuse({ serviceName: 'gateway' });
const workerUrl = process.env.WORKER_URL;

const server = http.createServer((req, res) =>
  langfuse.trace({ name: 'ask', userId: 'user-42', sessionId: 'session-7', tags: ['demo'] }, async (trace) => {
    const question = new URL(req.url ?? '/', 'http://localhost').searchParams.get('q') ?? 'What is OpenTelemetry?';
    trace.update({ input: { question } });
    const { answer } = await trace.span({ name: 'call-worker', input: { question } }, async (span) => {
      const response = await fetch(workerUrl, {
        method: 'POST',
        headers: injectTraceContext({ 'content-type': 'application/json' }),
        body: JSON.stringify({ question }),
      });
      const result = await response.json();
      span.update({ output: result });
      return result;
    });
    trace.event({ name: 'answer-ready', metadata: { chars: answer.length } });
    trace.update({ output: { answer } });
    res.writeHead(200, { 'content-type': 'application/json', 'x-trace-id': trace.id });
    res.end(JSON.stringify({ answer }));
  }),
);

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: `http://127.0.0.1:${server.address().port}` }));
});

process.once('SIGTERM', () => {
  server.close();
  void tracing.shutdown().finally(() => process.exit(0));
});
