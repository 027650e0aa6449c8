// The worker service: continues the caller's trace from the request headers and performs a (simulated) LLM
// generation inside it. Run by ../demo.mjs; prints {"ready": url} when listening.
import http from 'node:http';
import { continueTrace, langfuse, setupLangfuse } from '@otel-langfuse/tracing';

const tracing = setupLangfuse({ serviceName: 'worker' });

async function fakeLlm(question) {
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { text: `A short answer to "${question}".`, usage: { input: 12, output: 9, total: 21 } };
}

const server = http.createServer((req, res) =>
  continueTrace(req, () =>
    langfuse.trace({ name: 'worker: answer' }, async (trace) => {
      const body = await new Promise((resolve) => {
        let data = '';
        req.on('data', (chunk) => (data += chunk));
        req.on('end', () => resolve(data));
      });
      const { question } = JSON.parse(body || '{}');
      const answer = await trace.generation(
        { name: 'llm-call', model: 'demo-model-1', modelParameters: { temperature: 0.2 }, input: [{ role: 'user', content: question }] },
        async (generation) => {
          const result = await fakeLlm(question);
          generation.update({ output: { role: 'assistant', content: result.text }, usage: result.usage });
          return result.text;
        },
      );
      trace.update({ output: answer });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ answer }));
    }),
  ),
);

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: `http://127.0.0.1:${server.address().port}` }));
});

// The SIGTERM pattern: stop taking requests, deliver what is queued, then exit.
process.once('SIGTERM', () => {
  server.close();
  void tracing.shutdown().finally(() => process.exit(0));
});
