import { describe, expect, it } from 'vitest';
import { langfuse, withLangfuseFlush } from '../src/index.js';
import { observations, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();

const names = () => observations(receiver().events()).map((e) => e.body['name']).sort();

describe('withLangfuseFlush', () => {
  it('without waitUntil: the spans are delivered before the result is returned', async () => {
    setup({ mode: 'batch', flushInterval: 3600 });
    const handler = withLangfuseFlush(async (event: { n: number }) => langfuse.span({ name: `work-${event.n}` }, () => event.n * 2));
    await expect(handler({ n: 21 })).resolves.toBe(42);
    expect(names()).toEqual(['work-21']);
  });

  it("the handler's error is rethrown as it was, after the flush", async () => {
    setup({ mode: 'batch', flushInterval: 3600 });
    const boom = new Error('handler failed');
    const handler = withLangfuseFlush(async () =>
      langfuse.span({ name: 'failing' }, () => {
        throw boom;
      }),
    );
    await expect(handler()).rejects.toBe(boom);
    expect(names()).toEqual(['failing']);
  });

  it("finds Cloudflare's ctx among the arguments and calls its waitUntil as a method", async () => {
    const handle = setup({ mode: 'batch', flushInterval: 3600 });
    const given: Promise<unknown>[] = [];
    const ctx = {
      waitUntil(this: unknown, promise: Promise<unknown>) {
        if (this !== ctx) throw new TypeError('Illegal invocation');
        given.push(promise);
      },
    };
    const handler = withLangfuseFlush(async (request: Request, _env: unknown, _ctx: typeof ctx) => langfuse.span({ name: 'edge' }, () => new Response(request.url)));
    const response = await handler(new Request('http://worker.test/'), {}, ctx);
    expect(await response.text()).toBe('http://worker.test/');
    expect(given).toHaveLength(1);
    await given[0];
    expect(names()).toEqual(['edge']);
    expect(handle.stats().eventsSent).toBe(2);
  });

  it('uses the waitUntil given in the options, and the setup given in the options', async () => {
    const handle = setup({ mode: 'batch', flushInterval: 3600 });
    const given: Promise<unknown>[] = [];
    const handler = withLangfuseFlush(async () => langfuse.span({ name: 'opt' }, () => 'ok'), { tracing: handle, waitUntil: (p) => given.push(p), timeoutMs: 5_000 });
    await expect(handler()).resolves.toBe('ok');
    expect(given).toHaveLength(1);
    await given[0];
    expect(names()).toEqual(['opt']);
  });

  it('a waitUntil that throws (outside a request) means flushing before returning, never a failed request', async () => {
    setup({ mode: 'batch', flushInterval: 3600 });
    const handler = withLangfuseFlush(async () => langfuse.span({ name: 'refused' }, () => 'ok'), {
      waitUntil: () => {
        throw new Error('no request in scope');
      },
    });
    await expect(handler()).resolves.toBe('ok');
    expect(names()).toEqual(['refused']);
  });

  it("finds Vercel's request context", async () => {
    setup({ mode: 'batch', flushInterval: 3600 });
    const key = Symbol.for('@vercel/request-context');
    const given: Promise<unknown>[] = [];
    const global = globalThis as Record<symbol, unknown>;
    global[key] = { get: () => ({ waitUntil: (p: Promise<unknown>) => given.push(p) }) };
    try {
      const handler = withLangfuseFlush(async () => langfuse.span({ name: 'vercel' }, () => 'ok'));
      await expect(handler()).resolves.toBe('ok');
      expect(given).toHaveLength(1);
      await given[0];
      expect(names()).toEqual(['vercel']);
    } finally {
      delete global[key];
    }
  });
});
