import type { IncomingHttpHeaders } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { extractTraceContext, injectTraceContext, langfuse, withTraceContext } from '../src/index.js';
import { mergedTrace, observationNamed, useTracingTestBed } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

const { receiver, setup, handle } = useTracingTestBed();
beforeEach(() => {
  setup({ mode: 'sync', baggageKeys: ['tenant'] });
});

const remoteOf = (ctx: Context) => trace.getSpanContext(ctx);

describe('injectTraceContext', () => {
  it('writes traceparent of the active observation into a new object, and baggage only for allowed keys', () => {
    let ids = { traceId: '', spanId: '' };
    const carrier = langfuse.trace({ name: 'outgoing' }, (t) => {
      ids = { traceId: t.id, spanId: t.rootObservation.id };
      const bag = propagation.createBaggage({ tenant: { value: 'acme' }, secret: { value: 's3cr3t' } });
      return context.with(propagation.setBaggage(context.active(), bag), () => injectTraceContext());
    });
    // tracestate: the trace's start (langfuse=ts:<ms>), so the callee's spans can stamp the trace with it.
    expect(carrier).toEqual({ traceparent: `00-${ids.traceId}-${ids.spanId}-01`, tracestate: expect.stringMatching(/^langfuse=ts:\d{13}$/), baggage: 'tenant=acme' });
  });

  it('sends no baggage without an allow-list', () => {
    const ctx = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }), propagation.createBaggage({ tenant: { value: 'acme' } }));
    expect(injectTraceContext({}, { context: ctx, baggageKeys: [] })).toEqual({ traceparent: TRACEPARENT });
  });

  it('writes into Headers, Maps and objects, replacing another casing instead of adding a second header', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    const headers = injectTraceContext(new Headers({ 'content-type': 'text/plain' }), { context: ctx });
    expect(headers.get('traceparent')).toBe(TRACEPARENT);
    expect(headers.get('content-type')).toBe('text/plain');
    const map = injectTraceContext(new Map<string, unknown>([['TraceParent', 'stale']]), { context: ctx });
    expect([...map]).toEqual([['traceparent', TRACEPARENT]]);
    const object = injectTraceContext({ Traceparent: 'stale', other: 'kept' } as Record<string, unknown>, { context: ctx });
    expect(object).toEqual({ traceparent: TRACEPARENT, other: 'kept' });
  });

  it('writes nothing outside a trace and never throws on an unwritable carrier', () => {
    expect(injectTraceContext()).toEqual({});
    const frozen = Object.freeze({});
    langfuse.trace({ name: 'frozen' }, () => {
      expect(() => injectTraceContext(frozen)).not.toThrow();
    });
    expect(frozen).toEqual({});
  });
});

describe('extractTraceContext', () => {
  const incoming: IncomingHttpHeaders = { traceparent: TRACEPARENT, tracestate: ['a=1', 'b=2'], host: 'x' };
  const carriers: [string, unknown][] = [
    ['a plain object', { traceparent: TRACEPARENT }],
    ['a plain object with Traceparent casing', { Traceparent: TRACEPARENT }],
    ['upper-case names', { TRACEPARENT: TRACEPARENT }],
    ['fetch Headers', new Headers({ TraceParent: TRACEPARENT })],
    ['IncomingHttpHeaders', incoming],
    ['repeated traceparent headers (first counts)', { traceparent: [TRACEPARENT, `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`] }],
    ['a Map', new Map([['Traceparent', TRACEPARENT]])],
    ['message headers of a job payload', { 'x-job': 'resize', traceparent: TRACEPARENT }],
    ['a Buffer value (Kafka and other message headers)', { traceparent: Buffer.from(TRACEPARENT) }],
    ['a Uint8Array value', { traceparent: new TextEncoder().encode(TRACEPARENT) }],
    ['an array of Buffers', { traceparent: [Buffer.from(TRACEPARENT)] }],
    ['a Map with a Buffer value', new Map([['traceparent', Buffer.from(TRACEPARENT)]])],
  ];

  it.each(carriers)('continues the caller from %s', (_, carrier) => {
    const spanContext = remoteOf(extractTraceContext(carrier as never));
    expect(spanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
  });

  it('keeps tracestate, merged from repeated headers', () => {
    expect(remoteOf(extractTraceContext(incoming))?.traceState?.serialize()).toBe('a=1,b=2');
    const bytes = { traceparent: Buffer.from(TRACEPARENT), tracestate: [Buffer.from('a=1'), 'b=2'] };
    expect(remoteOf(extractTraceContext(bytes))?.traceState?.serialize()).toBe('a=1,b=2');
  });

  const garbage: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', TRACEPARENT],
    ['an array', [TRACEPARENT]],
    ['a numeric header', { traceparent: 7 }],
    ['version ff', { traceparent: `ff-${TRACE_ID}-${SPAN_ID}-01` }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }],
    ['an all-zero span id', { traceparent: `00-${TRACE_ID}-${'0'.repeat(16)}-01` }],
    ['upper-case hex', { traceparent: TRACEPARENT.toUpperCase() }],
    ['extra fields for version 00', { traceparent: `${TRACEPARENT}-extra` }],
    ['truncated', { traceparent: TRACEPARENT.slice(0, 40) }],
    ['a huge header', { traceparent: `${TRACEPARENT}${' '.repeat(1_000_000)}` }],
    ['a huge Buffer header', { traceparent: Buffer.concat([Buffer.from(TRACEPARENT), Buffer.alloc(1_000_000, 32)]) }],
    ['a Buffer that is not a traceparent', { traceparent: Buffer.from([0xff, 0xfe, 0x00, 0x41]) }],
    ['script in the header', { traceparent: '<script>alert(1)</script>' }],
    [
      'a getter that throws',
      Object.defineProperty({}, 'traceparent', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      }),
    ],
    [
      'a Proxy whose traps throw',
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          has() {
            throw new Error('trap');
          },
          ownKeys() {
            throw new Error('trap');
          },
          getOwnPropertyDescriptor() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      ),
    ],
    [
      'a revoked Proxy',
      (() => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      })(),
    ],
    ['a Headers-like whose get throws', { get: () => { throw new Error('x'); }, set: () => undefined }],
  ];

  it.each(garbage)('ignores %s safely', (_, carrier) => {
    let ctx: Context | undefined;
    expect(() => {
      ctx = extractTraceContext(carrier as never);
    }).not.toThrow();
    expect(remoteOf(ctx!)).toBeUndefined();
  });

  it('ignores an oversized tracestate but keeps the traceparent', () => {
    const spanContext = remoteOf(extractTraceContext({ traceparent: TRACEPARENT, tracestate: `a=${'x'.repeat(600)}` }));
    expect(spanContext?.traceId).toBe(TRACE_ID);
    expect(spanContext?.traceState?.serialize() ?? '').toBe('');
  });

  it('takes over only allowed baggage keys', () => {
    const ctx = extractTraceContext({ traceparent: TRACEPARENT, baggage: 'tenant=acme,secret=s3cr3t' });
    expect(propagation.getBaggage(ctx)?.getAllEntries()).toEqual([['tenant', { value: 'acme' }]]);
    const none = extractTraceContext({ traceparent: TRACEPARENT, baggage: 'secret=s3cr3t' });
    expect(propagation.getBaggage(none)).toBeUndefined();
  });
});

describe('continuing a caller', () => {
  it('trace() inside withTraceContext joins the caller: same trace id, root parent = caller span, no new trace', async () => {
    const joined = withTraceContext({ traceparent: TRACEPARENT }, () =>
      langfuse.trace({ name: 'worker', userId: 'user-7', input: 'job' }, (t) => ({ traceId: t.id, id: t.rootObservation.id })),
    );
    await handle().forceFlush();
    expect(joined.traceId).toBe(TRACE_ID);
    const root = observationNamed(receiver().events(), 'worker');
    expect(root.body).toMatchObject({ traceId: TRACE_ID, parentObservationId: SPAN_ID, input: 'job' });
    // The trace belongs to the caller: this service adds its user but claims neither name nor input.
    const traceBody = mergedTrace(receiver().events(), TRACE_ID);
    expect(traceBody).toMatchObject({ id: TRACE_ID, userId: 'user-7' });
    expect(traceBody['name']).toBeUndefined();
    expect(traceBody['input']).toBeUndefined();
  });

  it('uses a global propagator when one is registered', () => {
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    expect(remoteOf(extractTraceContext({ TraceParent: TRACEPARENT }))?.traceId).toBe(TRACE_ID);
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    expect(injectTraceContext({}, { context: ctx })).toEqual({ traceparent: TRACEPARENT });
  });
});
