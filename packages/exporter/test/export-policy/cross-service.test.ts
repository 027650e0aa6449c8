import { context, createTraceState, SpanKind, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { ExportPolicy } from '../../src/index.js';
import { useContextManager } from '../helpers.js';
import { byId, generationAttributes, httpClientAttributes, httpServerAttributes, idOf, inSpan, parentIdOf, policySetup, tracers, type PolicySetup } from './policy-helpers.js';

// Two services in one process, each with its own provider and export policy, the trace context crossing between
// them as W3C headers (the propagator an HTTP instrumentation uses): a callee continued from the caller's HTTP
// client span, which the caller's policy drops, must not hang under a span that never arrives.

useContextManager();

const AS_ROOT = 'langfuse.internal.as_root';
const w3c = new W3CTraceContextPropagator();

function headersFrom(active: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  w3c.inject(active, headers, { set: (carrier, key, value) => (carrier[key] = value) });
  return headers;
}

function continued(headers: Record<string, string>): Context {
  return w3c.extract(context.active(), headers, { get: (carrier, key) => carrier[key], keys: (carrier) => Object.keys(carrier) });
}

interface CallerIds {
  facade?: string;
  client: string;
}

/** The caller: (a facade span →) an HTTP client span; returns the headers that span's request carried. */
async function caller(setup: PolicySetup, withFacade: boolean): Promise<{ ids: CallerIds; headers: Record<string, string> }> {
  const t = tracers(setup.provider);
  const ids: Partial<CallerIds> = {};
  let headers: Record<string, string> = {};
  const call = () =>
    inSpan(t.http, 'POST', { kind: SpanKind.CLIENT, attributes: httpClientAttributes }, (client) => {
      ids.client = client.spanContext().spanId;
      headers = headersFrom(context.active());
    });
  if (withFacade) {
    await inSpan(t.facade, 'ask', { attributes: { 'langfuse.observation.type': 'span' } }, async (facade) => {
      ids.facade = facade.spanContext().spanId;
      await call();
    });
  } else {
    await call();
  }
  return { ids: ids as CallerIds, headers };
}

/** The callee: HTTP server span (continued from the headers) → facade root → generation. */
async function callee(setup: PolicySetup, headers: Record<string, string>): Promise<{ server: string; facade: string; generation: string }> {
  const t = tracers(setup.provider);
  const ids = { server: '', facade: '', generation: '' };
  await context.with(continued(headers), () =>
    inSpan(t.http, 'POST /work', { kind: SpanKind.SERVER, attributes: httpServerAttributes }, async (server) => {
      ids.server = server.spanContext().spanId;
      await inSpan(t.facade, 'worker', {}, async (facade) => {
        ids.facade = facade.spanContext().spanId;
        await inSpan(t.app, 'chat gpt-test', { attributes: generationAttributes }, (generation) => {
          ids.generation = generation.spanContext().spanId;
        });
      });
    }),
  );
  return ids;
}

/** The callee's kept spans whose parent is not among them: each must point at a span the caller sent, or nothing. */
function outsideParents(calleeSpans: readonly ReadableSpan[]): (string | undefined)[] {
  const ids = new Set(calleeSpans.map(idOf));
  return calleeSpans.map(parentIdOf).filter((parent) => parent === undefined || !ids.has(parent));
}

const POLICIES: { name: string; policy: ExportPolicy }[] = [
  { name: "'llm'", policy: 'llm' },
  { name: "'all'", policy: 'all' },
  { name: 'a predicate', policy: (span) => span.kind !== SpanKind.CLIENT || span.attributes['gen_ai.operation.name'] !== undefined },
];

describe('a callee continued from a span the caller may drop', () => {
  for (const callerPolicy of POLICIES) {
    for (const calleePolicy of POLICIES) {
      it(`caller ${callerPolicy.name}, callee ${calleePolicy.name}: the callee's subtree hangs under a span the caller sent`, async () => {
        const a = policySetup('simple', { policy: callerPolicy.policy });
        const b = policySetup('simple', { policy: calleePolicy.policy });
        const { ids, headers } = await caller(a, true);
        await callee(b, headers);
        const callerSpans = await a.flushed();
        const calleeSpans = await b.flushed();
        const sent = new Set(callerSpans.map(idOf));
        expect(sent.has(ids.facade!)).toBe(true);
        const parents = outsideParents(calleeSpans);
        expect(parents).toHaveLength(1);
        // Sent by the caller: the callee stays under its client span. Dropped under 'llm': the callee attaches to the
        // facade span above it (sure to be sent from its start). Under a predicate nothing above is sure to be sent
        // when the client span starts: the callee's kept root becomes the trace root.
        const expected = callerPolicy.name === "'all'" ? ids.client : callerPolicy.name === "'llm'" ? ids.facade : undefined;
        expect(parents[0]).toBe(expected);
        if (expected !== undefined) expect(sent.has(expected)).toBe(true);
        else expect(calleeSpans.filter((span) => span.attributes[AS_ROOT] === true)).toHaveLength(1);
        for (const span of calleeSpans) expect(span.spanContext().traceId).toBe(callerSpans[0]!.spanContext().traceId);
        await a.provider.shutdown();
        await b.provider.shutdown();
      });
    }
  }

  it("the caller's dropped client span has no kept ancestor: the callee's kept root becomes the trace root", async () => {
    const a = policySetup('simple');
    const b = policySetup('simple');
    const { headers } = await caller(a, false);
    const ids = await callee(b, headers);
    expect(await a.flushed()).toEqual([]);
    const calleeSpans = await b.flushed();
    expect(calleeSpans.map(idOf).sort()).toEqual([ids.facade, ids.generation].sort());
    const root = byId(calleeSpans, ids.facade)!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes[AS_ROOT]).toBe(true);
    expect(parentIdOf(byId(calleeSpans, ids.generation)!)).toBe(ids.facade);
  });

  it('the hint applies to the span it names only: a service further down keeps its own parent', async () => {
    const a = policySetup('simple');
    const b = policySetup('simple', { policy: 'all' });
    const c = policySetup('simple', { policy: 'all' });
    const { headers } = await caller(a, true);
    // B passes everything and calls C from under its own (sent) server span: C's parent is B's span, hint or not.
    let forwarded: Record<string, string> = {};
    let bServer = '';
    await context.with(continued(headers), () =>
      inSpan(tracers(b.provider).http, 'POST /work', { kind: SpanKind.SERVER }, (server) => {
        bServer = server.spanContext().spanId;
        forwarded = headersFrom(context.active());
      }),
    );
    expect(forwarded['tracestate']).toContain('drop:');
    await context.with(continued(forwarded), () => inSpan(tracers(c.provider).facade, 'downstream', {}, () => undefined));
    const [downstream] = await c.flushed();
    expect(parentIdOf(downstream!)).toBe(bServer);
    expect((await b.flushed()).map(idOf)).toEqual([bServer]);
  });

  it("keeps the tracestate's other members and the trace start (ts) beside the hint", async () => {
    const a = policySetup('simple');
    const start: SpanContext = {
      traceId: 'c'.repeat(32),
      spanId: 'd'.repeat(16),
      traceFlags: 1,
      isRemote: true,
      traceState: createTraceState('vendor=x,langfuse=ts:1767225600000'),
    };
    let headers: Record<string, string> = {};
    let clientId = '';
    await context.with(trace.setSpanContext(context.active(), start), () =>
      inSpan(tracers(a.provider).http, 'POST', { kind: SpanKind.CLIENT, attributes: httpClientAttributes }, (client) => {
        clientId = client.spanContext().spanId;
        headers = headersFrom(context.active());
      }),
    );
    const state = createTraceState(headers['tracestate']);
    expect(state.get('vendor')).toBe('x');
    // No kept ancestor in this service: the callee attaches to the caller's own remote parent.
    expect(state.get('langfuse')).toBe(`ts:1767225600000;drop:${clientId};attach:${'d'.repeat(16)}`);
  });

  it('a forged or malformed hint is ignored: the remote parent stays', async () => {
    const b = policySetup('simple', { policy: 'all' });
    for (const value of ['drop:bbbbbbbbbbbbbbbb;attach:xyz', 'drop:bbbbbbbbbbbbbbbb;attach:0000000000000000', 'drop:cccccccccccccccc;attach:root']) {
      const parent: SpanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true, traceState: createTraceState(`langfuse=${value}`) };
      await context.with(trace.setSpanContext(context.active(), parent), () => inSpan(tracers(b.provider).facade, 'x', {}, () => undefined));
    }
    const spans = await b.flushed();
    expect(spans.map(parentIdOf)).toEqual(['b'.repeat(16), 'b'.repeat(16), 'b'.repeat(16)]);
    expect(b.processor.stats().reparented).toBe(0);
  });
});
