// A fetch-style handler, (request: Request) => Response, as in Next.js route handlers, Remix or Bun: wrap its body
// in continueTrace(request, ...) (node examples/frameworks/fetch-handler.mjs; served here by @hono/node-server).
import { serve } from '@hono/node-server';
import { continueTrace } from '@otel-langfuse/tracing';
import { answer, callAndShow } from './caller.mjs';

// The recipe, e.g. a Next.js app/api/ask/route.ts: export async function POST(request) { return continueTrace(request, ...) }
export function POST(request) {
  return continueTrace(request, async () => Response.json({ answer: await answer(await request.json()) }));
}

const server = await new Promise((resolve) => {
  const started = serve({ fetch: POST, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
});
await callAndShow('fetch handler', `http://127.0.0.1:${server.address().port}/ask`, () => new Promise((resolve) => server.close(resolve)));
