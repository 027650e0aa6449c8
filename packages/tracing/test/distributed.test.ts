import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { continueTrace, injectTraceContext, langfuse, langfuseMiddleware } from '../src/index.js';
import { mergedTrace, observationNamed, tick, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();
const servers: Server[] = [];

// Registered after the test bed's hooks, so it runs before the handle is shut down.
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: IncomingMessage, done: (body: string) => void): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => done(body));
}

/** Service A: a trace whose span calls `target` with the trace context in the request headers. */
async function startServiceA(target: string): Promise<string> {
  return listen((_req, res) => {
    void langfuse.trace({ name: 'service-a', userId: 'user-a' }, async (t) => {
      const reply = await t.span({ name: 'call-b' }, async () => {
        const response = await fetch(target, { method: 'POST', headers: injectTraceContext({ 'content-type': 'application/json' }), body: '{"q":1}' });
        return (await response.json()) as { traceId: string };
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ a: t.id, b: reply.traceId }));
    });
  });
}

describe('continuity across two real HTTP servers', () => {
  it.each(['batch', 'sync'] as const)('service B joins service A trace via continueTrace (%s)', async (mode) => {
    const handle = setup({ mode });
    const serviceB = await listen((req, res) =>
      continueTrace(req, () =>
        langfuse.trace({ name: 'service-b', sessionId: 'session-b' }, async (t) => {
          await t.generation({ name: 'b-llm', model: 'm' }, () => tick());
          res.end(JSON.stringify({ traceId: t.id }));
        }),
      ),
    );
    const serviceA = await startServiceA(serviceB);

    const ids = (await (await fetch(serviceA)).json()) as { a: string; b: string };
    await handle.forceFlush();

    expect(ids.b).toBe(ids.a);
    const events = receiver().events();
    expect(treeOf(events, ids.a)).toEqual([
      'generation b-llm <- service-b',
      'span call-b <- service-a',
      'span service-a <- (root)',
      'span service-b <- call-b',
    ]);
    expect(observationNamed(events, 'service-b').body['parentObservationId']).toBe(observationNamed(events, 'call-b').body.id);
    expect(mergedTrace(events, ids.a)).toMatchObject({ name: 'service-a', userId: 'user-a', sessionId: 'session-b' });
  });

  it('the middleware keeps the caller trace through a body parser that calls next() from an event listener', async () => {
    const handle = setup({ mode: 'sync' });
    type Handler = (req: IncomingMessage & { body?: string }, res: ServerResponse, next: () => void) => void;
    const chain: Handler[] = [
      langfuseMiddleware(),
      (req, _res, next) => readBody(req, (body) => ((req.body = body), next())),
      (req, res) =>
        langfuse.trace({ name: 'express-handler', input: req.body }, (t) => {
          res.end(JSON.stringify({ traceId: t.id }));
        }),
    ];
    const serviceB = await listen((req, res) => {
      const run = (index: number): void => chain[index]?.(req, res, () => run(index + 1));
      run(0);
    });
    const serviceA = await startServiceA(serviceB);

    const ids = (await (await fetch(serviceA)).json()) as { a: string; b: string };
    await handle.forceFlush();
    expect(ids.b).toBe(ids.a);
    expect(observationNamed(receiver().events(), 'express-handler').body).toMatchObject({
      traceId: ids.a,
      parentObservationId: observationNamed(receiver().events(), 'call-b').body.id,
      input: { q: 1 },
    });
  });

  it('without the helper, B starts its own trace (the test above is not vacuous)', async () => {
    setup({ mode: 'sync' });
    const serviceB = await listen((_req, res) => langfuse.trace({ name: 'unlinked' }, (t) => res.end(JSON.stringify({ traceId: t.id }))));
    const ids = (await (await fetch(await startServiceA(serviceB))).json()) as { a: string; b: string };
    expect(ids.b).not.toBe(ids.a);
  });
});
