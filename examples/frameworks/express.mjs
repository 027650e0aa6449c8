// Express 5: one middleware continues the caller's trace for every route (node examples/frameworks/express.mjs).
import express from 'express';
import { langfuseMiddleware } from '@otel-langfuse/tracing';
import { answer, callAndShow } from './caller.mjs';

const app = express();
// The recipe: before the body parser and the routes, so both run in the caller's trace.
app.use(langfuseMiddleware());
app.use(express.json());
app.post('/ask', async (req, res) => {
  res.json({ answer: await answer(req.body) });
});

const server = await new Promise((resolve) => {
  const started = app.listen(0, '127.0.0.1', () => resolve(started));
});
await callAndShow('express', `http://127.0.0.1:${server.address().port}/ask`, () => new Promise((resolve) => server.close(resolve)));
