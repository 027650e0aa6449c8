// The callee: Express 5 with langfuseMiddleware(), a trace with a generation per request. Prints {"ready": url}.
import { startOtel } from './otel.mjs';

const otel = startOtel('worker');
const { langfuse, langfuseMiddleware } = await import('@otel-langfuse/tracing');
const express = otel.require('express');

const app = express();
app.use(langfuseMiddleware());
app.use(express.json());
app.post('/work', async (req, res) => {
  const answer = await langfuse.trace({ name: 'worker' }, (trace) =>
    trace.generation({ name: 'llm-call', model: 'demo-model', input: req.body }, async (generation) => {
      generation.update({ output: 'an answer', usage: { input: 3, output: 2 } });
      return 'an answer';
    }),
  );
  res.json({ answer });
});
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ ready: `http://127.0.0.1:${server.address().port}` })));

process.once('SIGTERM', () => {
  server.close();
  void otel.shutdown().finally(() => process.exit(0));
});
