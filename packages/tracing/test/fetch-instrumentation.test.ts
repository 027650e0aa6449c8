import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext } from '../src/index.js';

// injectTraceContext() on a fetch that an instrumentation also injects into (as @opentelemetry/instrumentation-undici
// does, through undici's diagnostics channel, after the app's headers): the wire must carry one traceparent. And a
// callee sent a comma-joined pair anyway continues the first valid one.

const OURS = `00-${'4bf92f3577b34da6a3ce929d0e0e4736'}-${'00f067aa0ba902b7'}-01`;
const THEIRS = `00-${'4bf92f3577b34da6a3ce929d0e0e4736'}-${'1111111111111111'}-01`;

const seen: { traceparent: string | string[] | undefined; tracestate: string | string[] | undefined }[] = [];
const server = http.createServer((req, res) => {
  seen.push({ traceparent: req.headersDistinct['traceparent'], tracestate: req.headersDistinct['tracestate'] });
  res.end('ok');
});
let url = '';

/** Stands in for a fetch instrumentation: appends its own trace headers to every request, as undici's does. */
const instrumentation = (message: unknown): void => {
  const request = (message as { request: { addHeader(name: string, value: string): void } }).request;
  request.addHeader('traceparent', THEIRS);
  request.addHeader('tracestate', 'vendor=theirs');
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  diagnostics.unsubscribe('undici:request:create', instrumentation);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('injectTraceContext next to a fetch instrumentation', () => {
  it('the request carries only the injected traceparent and tracestate, not a second pair', async () => {
    diagnostics.subscribe('undici:request:create', instrumentation);
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: OURS.slice(3, 35), spanId: OURS.slice(36, 52), traceFlags: 1 });
    const headers = injectTraceContext({ 'content-type': 'text/plain' }, { context: ctx });
    (await fetch(url, { headers })).body?.cancel();
    // A request without injectTraceContext() headers keeps the instrumentation's.
    (await fetch(url)).body?.cancel();
    expect(seen).toEqual([
      { traceparent: [OURS], tracestate: undefined },
      { traceparent: [THEIRS], tracestate: ['vendor=theirs'] },
    ]);
  });
});

describe('a comma-joined traceparent (two sent, joined by the server)', () => {
  it.each([
    [`${OURS}, ${THEIRS}`, OURS],
    [`${OURS},${THEIRS}`, OURS],
    [`garbage, ${THEIRS}`, THEIRS],
    [`ff-${'4bf92f3577b34da6a3ce929d0e0e4736'}-${'00f067aa0ba902b7'}-01, ${THEIRS}`, THEIRS],
  ])('%s continues %s', (header, expected) => {
    const spanContext = trace.getSpanContext(extractTraceContext({ traceparent: header }, { context: ROOT_CONTEXT }));
    expect(spanContext?.spanId).toBe(expected.slice(36, 52));
    expect(spanContext?.isRemote).toBe(true);
  });

  it('nothing valid in it: no parent', () => {
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'a, b, c' }, { context: ROOT_CONTEXT }))).toBeUndefined();
  });
});
