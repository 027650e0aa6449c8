// Hono 4 on Node (@hono/node-server): one middleware continues the caller's trace (node examples/frameworks/hono.mjs).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { continueTrace } from '@otel-langfuse/tracing';
import { answer, callAndShow } from './caller.mjs';

const app = new Hono();
// The recipe: the rest of the chain runs in the caller's trace (c.req.raw is the fetch Request, its headers the carrier).
app.use((c, next) => continueTrace(c.req.raw, next));
app.post('/ask', async (c) => c.json({ answer: await answer(await c.req.json()) }));

const server = await new Promise((resolve) => {
  const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
});
await callAndShow('hono', `http://127.0.0.1:${server.address().port}/ask`, () => new Promise((resolve) => server.close(resolve)));
