import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useContextManager } from '../helpers.js';
import {
  generationAttributes,
  handleChatRequest,
  idOf,
  INNER_KINDS,
  parentIdOf,
  policySetup,
  rootsOf,
  tracers,
} from './policy-helpers.js';

useContextManager();

const AS_ROOT = 'langfuse.internal.as_root';

afterEach(() => {
  vi.useRealTimers();
});

interface ChatSpans {
  server: Span;
  facade: Span;
  client: Span;
  generation: Span;
}

/** The chain of handleChatRequest, all four spans started and open. */
function startChat(provider: BasicTracerProvider): ChatSpans {
  const t = tracers(provider);
  const server = t.http.startSpan('POST /chat', { kind: SpanKind.SERVER });
  const facade = t.facade.startSpan('turn', {}, trace.setSpan(context.active(), server));
  const client = t.http.startSpan('POST', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), facade));
  const generation = t.app.startSpan('chat', { attributes: generationAttributes }, trace.setSpan(context.active(), client));
  return { server, facade, client, generation };
}

/** Ends the chain innermost first. */
function endChat(chat: ChatSpans): ChatSpans {
  chat.generation.end();
  chat.client.end();
  chat.facade.end();
  chat.server.end();
  return chat;
}

describe.each(INNER_KINDS)('bounded memory, in front of a %s processor', (kind) => {
  it('a span that never ends and thousands of traces: held spans stay under the caps, nothing is lost', async () => {
    const { provider, processor, flushed } = policySetup(kind, { maxBufferedSpans: 50, maxTrackedSpans: 120 });
    const t = tracers(provider);
    // Leaked: an HTTP server span nobody ends, with LLM work under it that does end.
    const leaked = t.http.startSpan('POST /leak', { kind: SpanKind.SERVER });
    const underLeak = trace.setSpan(context.active(), leaked);
    const leakedChildren: string[] = [];
    // 40 requests in flight at any time (160 open spans: more than maxTrackedSpans), 3000 in all.
    const inFlight: ChatSpans[] = [];
    const done: ChatSpans[] = [];
    let maxBuffered = 0;
    let maxTracked = 0;
    for (let i = 0; i < 3000; i++) {
      if (i % 10 === 0) {
        const child = t.app.startSpan(`leaked-child-${i}`, { attributes: generationAttributes }, underLeak);
        child.end();
        leakedChildren.push(child.spanContext().spanId);
      }
      inFlight.push(startChat(provider));
      if (inFlight.length > 40) done.push(endChat(inFlight.shift()!));
      const { buffered, tracked } = processor.stats();
      maxBuffered = Math.max(maxBuffered, buffered);
      maxTracked = Math.max(maxTracked, tracked);
    }
    for (const chat of inFlight) done.push(endChat(chat));
    expect(maxBuffered).toBeLessThanOrEqual(50);
    expect(maxTracked).toBeLessThanOrEqual(120);
    const stats = processor.stats();
    expect(stats.forcedOut).toBeGreaterThan(0);
    expect(stats.segmentsEvicted).toBeGreaterThan(0);

    const spans = await flushed();
    // Every generation and facade span arrived exactly once, and nothing is orphaned.
    expect(spans).toHaveLength(2 * done.length + leakedChildren.length);
    expect(new Set(spans.map(idOf)).size).toBe(spans.length);
    rootsOf(spans);
    const byId = new Map(spans.map((s) => [idOf(s), s]));
    for (const id of leakedChildren) {
      // Sent while the leaked span was open: it counts as dropped (not LLM-related), so they are roots.
      expect(byId.get(id)!.parentSpanContext).toBeUndefined();
      expect(byId.get(id)!.attributes[AS_ROOT]).toBe(true);
    }
    for (const chat of done) {
      expect(parentIdOf(byId.get(chat.generation.spanContext().spanId)!)).toBe(chat.facade.spanContext().spanId);
      expect(byId.get(chat.facade.spanContext().spanId)!.attributes[AS_ROOT]).toBe(true);
    }
    expect(processor.stats()).toMatchObject({ buffered: 0, tracked: 0, kept: spans.length });
    await provider.shutdown();
  });

  it('maxBufferedSpans: many ended children under one open span are sent early, under the cap', async () => {
    const { provider, processor, flushed } = policySetup(kind, { maxBufferedSpans: 20 });
    const t = tracers(provider);
    // An agent span of another LLM library: kept for its gen_ai attribute, which it records only after it started,
    // so its children are held until it ends.
    const facade = t.app.startSpan('long-agent-run');
    facade.setAttribute('gen_ai.operation.name', 'invoke_agent');
    const underFacade = trace.setSpan(context.active(), facade);
    let maxBuffered = 0;
    for (let i = 0; i < 500; i++) {
      const step = t.http.startSpan('POST', { kind: SpanKind.CLIENT }, underFacade);
      t.app.startSpan(`step-${i}`, { attributes: generationAttributes }, trace.setSpan(context.active(), step)).end();
      step.end();
      maxBuffered = Math.max(maxBuffered, processor.stats().buffered);
    }
    expect(maxBuffered).toBeLessThanOrEqual(20);
    // Past the cap the agent's segment is sent (its 21 held steps) and the open agent span is no longer tracked:
    // later steps are trace segments of their own, placed under it.
    expect(processor.stats()).toMatchObject({ forcedOut: 21, segmentsEvicted: 1 });
    facade.end();
    const spans = await flushed();
    expect(spans).toHaveLength(501);
    // The open agent span has its gen_ai attribute by then: known to be kept, so every step stays under it.
    for (const span of spans) if (span.name.startsWith('step-')) expect(parentIdOf(span)).toBe(facade.spanContext().spanId);
    expect(rootsOf(spans)).toEqual([facade.spanContext().spanId]);
    await provider.shutdown();
  });

  it("a span kept from its start (the facade's) holds nothing back: its children are sent as they end", async () => {
    const { provider, processor, flushed } = policySetup(kind, { maxBufferedSpans: 20 });
    const t = tracers(provider);
    const agent = t.facade.startSpan('long-agent-run');
    const underAgent = trace.setSpan(context.active(), agent);
    let maxBuffered = 0;
    for (let i = 0; i < 100; i++) {
      const step = t.http.startSpan('POST', { kind: SpanKind.CLIENT }, underAgent);
      t.app.startSpan(`step-${i}`, { attributes: generationAttributes }, trace.setSpan(context.active(), step)).end();
      step.end();
      maxBuffered = Math.max(maxBuffered, processor.stats().buffered);
    }
    expect(maxBuffered).toBeLessThanOrEqual(1);
    expect(processor.stats()).toMatchObject({ forcedOut: 0, segmentsEvicted: 0, tracked: 0 });
    agent.end();
    const spans = await flushed();
    expect(spans).toHaveLength(101);
    for (const span of spans) if (span.name.startsWith('step-')) expect(parentIdOf(span)).toBe(agent.spanContext().spanId);
    expect(rootsOf(spans)).toEqual([agent.spanContext().spanId]);
    await provider.shutdown();
  });

  it('a trace segment older than maxTraceAgeMs is sent on the next span activity', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider, processor, exporter, flushed } = policySetup(kind, { maxTraceAgeMs: 60_000 });
    const t = tracers(provider);
    const stuck = t.http.startSpan('POST /stuck', { kind: SpanKind.SERVER });
    const generation = t.app.startSpan('chat', { attributes: generationAttributes }, trace.setSpan(context.active(), stuck));
    generation.end();
    vi.advanceTimersByTime(59_000);
    t.http.startSpan('GET /health', { kind: SpanKind.SERVER }).end();
    expect(processor.stats()).toMatchObject({ buffered: 1, kept: 0, forcedOut: 0 });

    vi.advanceTimersByTime(2_000);
    t.http.startSpan('GET /health', { kind: SpanKind.SERVER }).end();
    expect(processor.stats()).toMatchObject({ buffered: 0, kept: 1, forcedOut: 1, segmentsEvicted: 1 });
    if (kind === 'simple') expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat']);

    // The stuck span ends at last: still dropped, and its late children still find no dropped parent.
    stuck.end();
    const spans = await flushed();
    expect(spans.map((s) => s.name)).toEqual(['chat']);
    expect(spans[0]!.attributes[AS_ROOT]).toBe(true);
    await provider.shutdown();
  });
});

describe.each(INNER_KINDS)('forceFlush and shutdown in front of a %s processor', (kind) => {
  it('forceFlush sends held spans; an open LLM ancestor counts as kept, an open HTTP one as dropped', async () => {
    const { provider, processor, exporter } = policySetup(kind);
    const t = tracers(provider);
    const server = t.http.startSpan('POST /chat', { kind: SpanKind.SERVER });
    const inServer = trace.setSpan(context.active(), server);
    const facade = t.facade.startSpan('turn', {}, inServer);
    const generation = t.app.startSpan('chat', { attributes: generationAttributes }, trace.setSpan(inServer, facade));
    generation.end();
    expect(processor.stats().buffered).toBe(1);

    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat']);
    // Its open parent is LLM-related (our facade): kept when it ends, so the generation stays under it.
    expect(parentIdOf(exporter.getFinishedSpans()[0]!)).toBe(facade.spanContext().spanId);
    expect(processor.stats()).toMatchObject({ buffered: 0, tracked: 0, forcedOut: 1, reparented: 0 });

    // Spans under the open spans after the flush: placed as before.
    const late = t.app.startSpan('late', { attributes: generationAttributes }, trace.setSpan(inServer, facade));
    late.end();
    facade.end();
    server.end();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat', 'late', 'turn']);
    const sentFacade = spans.find((s) => s.name === 'turn')!;
    expect(sentFacade.parentSpanContext).toBeUndefined();
    expect(sentFacade.attributes[AS_ROOT]).toBe(true);
    expect(parentIdOf(spans.find((s) => s.name === 'late')!)).toBe(facade.spanContext().spanId);
    expect(rootsOf(spans)).toEqual([facade.spanContext().spanId]);
    await provider.shutdown();
  });

  it('under a predicate, an open ancestor counts as dropped at forceFlush; no span is orphaned either way', async () => {
    const { provider, exporter } = policySetup(kind, { policy: (s) => s.name !== 'drop-me' });
    const tracer = provider.getTracer('app');
    const root = tracer.startSpan('root');
    const middle = tracer.startSpan('middle', {}, trace.setSpan(context.active(), root));
    const leaf = tracer.startSpan('leaf', {}, trace.setSpan(context.active(), middle));
    leaf.end();
    await provider.forceFlush();
    const sentLeaf = exporter.getFinishedSpans()[0]!;
    expect(sentLeaf.name).toBe('leaf');
    expect(sentLeaf.parentSpanContext).toBeUndefined();
    expect(sentLeaf.attributes[AS_ROOT]).toBe(true);
    middle.end();
    root.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['leaf', 'middle', 'root']);
    rootsOf(exporter.getFinishedSpans());
    await provider.shutdown();
  });

  it('shutdown sends held spans before shutting the inner processor down, and ignores later spans', async () => {
    const { provider, processor, exporter } = policySetup(kind);
    const t = tracers(provider);
    const server = t.http.startSpan('POST /chat', { kind: SpanKind.SERVER });
    t.app.startSpan('chat', { attributes: generationAttributes }, trace.setSpan(context.active(), server)).end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await processor.shutdown();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat']);
    server.end();
    t.app.startSpan('after', { attributes: generationAttributes }).end();
    expect(processor.stats()).toMatchObject({ kept: 1, buffered: 0, tracked: 0 });
    await processor.shutdown();
  });

  it('requests still in flight at forceFlush keep their trees connected', async () => {
    const { provider, processor, flushed } = policySetup(kind);
    const pending = [handleChatRequest(provider), handleChatRequest(provider)];
    await provider.forceFlush(); // every span open now: nothing held yet, but tracking is given up
    const requests = await Promise.all(pending);
    const spans = await flushed();
    expect(spans).toHaveLength(4);
    for (const ids of requests) expect(parentIdOf(spans.find((s) => idOf(s) === ids.generation)!)).toBe(ids.facade);
    rootsOf(spans);
    expect(processor.stats()).toMatchObject({ buffered: 0, tracked: 0 });
  });
});
