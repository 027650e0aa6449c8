// Koa 3: one middleware continues the caller's trace for the rest of the chain (node examples/frameworks/koa.mjs).
import Koa from 'koa';
import { continueTrace } from '@otel-langfuse/tracing';
import { answer, callAndShow } from './caller.mjs';

/** The JSON body, read from Koa's raw request (Koa has no body parser of its own). */
async function jsonBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text);
}

const app = new Koa();
// The recipe: the downstream middleware (body reading and the handler) runs in the caller's trace.
app.use((ctx, next) => continueTrace(ctx.req, next));
app.use(async (ctx) => {
  if (ctx.method !== 'POST' || ctx.path !== '/ask') return;
  ctx.body = { answer: await answer(await jsonBody(ctx.req)) };
});

const server = await new Promise((resolve) => {
  const started = app.listen(0, '127.0.0.1', () => resolve(started));
});
await callAndShow('koa', `http://127.0.0.1:${server.address().port}/ask`, () => new Promise((resolve) => server.close(resolve)));
