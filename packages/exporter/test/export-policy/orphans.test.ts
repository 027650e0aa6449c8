import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createExportPolicyProcessor } from '../../src/index.js';
import { useContextManager } from '../helpers.js';
import {
  byId,
  generationAttributes,
  handleChatRequest,
  httpServerAttributes,
  idOf,
  INNER_KINDS,
  inSpan,
  innerProcessor,
  parentIdOf,
  policySetup,
  remoteParentContext,
  rootsOf,
  tracers,
} from './policy-helpers.js';

useContextManager();

const AS_ROOT = 'langfuse.internal.as_root';

describe.each(INNER_KINDS)('the export policy in front of a %s processor', (kind) => {
  it('HTTP server → facade → HTTP client → generation: the kept spans form one connected tree', async () => {
    const { provider, processor, flushed } = policySetup(kind);
    const ids = await handleChatRequest(provider);
    const spans = await flushed();

    expect(spans.map(idOf).sort()).toEqual([ids.facade, ids.generation].sort());
    const facade = byId(spans, ids.facade)!;
    const generation = byId(spans, ids.generation)!;
    // The generation's parent (the HTTP client span) was dropped: it hangs under the facade span.
    expect(parentIdOf(generation)).toBe(ids.facade);
    expect(generation.parentSpanContext?.traceId).toBe(ids.traceId);
    // The facade span's only ancestor (the HTTP server span) was dropped: it is the trace root now.
    expect(facade.parentSpanContext).toBeUndefined();
    expect(facade.attributes[AS_ROOT]).toBe(true);
    expect(generation.attributes[AS_ROOT]).toBeUndefined();
    expect(rootsOf(spans)).toEqual([ids.facade]);
    expect(processor.stats()).toMatchObject({ kept: 2, filtered: 2, reparented: 2, forcedOut: 0, buffered: 0, tracked: 0 });
    await provider.shutdown();
  });

  it('many requests in turn, across batches: every tree stays connected', async () => {
    const { provider, processor, flushed } = policySetup(kind);
    const all = [];
    for (let i = 0; i < 7; i++) all.push(handleChatRequest(provider));
    const requests = await Promise.all(all);
    const spans = await flushed();
    expect(spans).toHaveLength(14);
    for (const ids of requests) {
      expect(parentIdOf(byId(spans, ids.generation)!)).toBe(ids.facade);
      expect(byId(spans, ids.facade)!.attributes[AS_ROOT]).toBe(true);
    }
    expect(rootsOf(spans).sort()).toEqual(requests.map((r) => r.facade).sort());
    expect(processor.stats()).toMatchObject({ kept: 14, filtered: 14, buffered: 0, tracked: 0 });
    await provider.shutdown();
  });

  it('a kept span under only dropped ancestors becomes a root with langfuse.internal.as_root', async () => {
    const { provider, flushed } = policySetup(kind);
    const t = tracers(provider);
    let generationId = '';
    await inSpan(t.http, 'POST /chat', { kind: SpanKind.SERVER, attributes: httpServerAttributes }, () =>
      inSpan(t.db, 'SELECT', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, () =>
        inSpan(t.app, 'chat', { attributes: generationAttributes }, (g) => {
          generationId = g.spanContext().spanId;
        }),
      ),
    );
    const spans = await flushed();
    expect(spans).toHaveLength(1);
    expect(idOf(spans[0]!)).toBe(generationId);
    expect(spans[0]!.parentSpanContext).toBeUndefined();
    expect(spans[0]!.attributes).toMatchObject({ ...generationAttributes, [AS_ROOT]: true });
    await provider.shutdown();
  });

  it("a span with a remote parent keeps it, even when the local spans between them are dropped", async () => {
    const { provider, flushed } = policySetup(kind);
    const t = tracers(provider);
    const remote = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true };
    let generationId = '';
    await context.with(remoteParentContext(remote), () =>
      inSpan(t.http, 'POST /chat', { kind: SpanKind.SERVER }, () =>
        inSpan(t.app, 'chat', { attributes: generationAttributes }, (g) => {
          generationId = g.spanContext().spanId;
        }),
      ),
    );
    const spans = await flushed();
    expect(spans.map(idOf)).toEqual([generationId]);
    expect(spans[0]!.parentSpanContext).toMatchObject({ spanId: remote.spanId, traceId: remote.traceId, isRemote: true });
    expect(spans[0]!.attributes[AS_ROOT]).toBeUndefined();
    await provider.shutdown();
  });

  it('a kept local root under a remote parent is sent unchanged', async () => {
    const { provider, processor, flushed } = policySetup(kind);
    const t = tracers(provider);
    await context.with(remoteParentContext(), () => inSpan(t.facade, 'handle', {}, () => inSpan(t.app, 'chat', { attributes: generationAttributes }, () => {})));
    const spans = await flushed();
    expect(spans).toHaveLength(2);
    expect(processor.stats().reparented).toBe(0);
    expect(spans.find((s) => s.name === 'handle')!.parentSpanContext?.isRemote).toBe(true);
  });

  it('holds a kept child while its parent is open, and sends it once the parent ends', async () => {
    const { provider, processor, exporter, flushed } = policySetup(kind);
    const t = tracers(provider);
    const server = t.http.startSpan('POST /chat', { kind: SpanKind.SERVER });
    const inServer = trace.setSpan(context.active(), server);
    const facade = t.facade.startSpan('turn', {}, inServer);
    t.app.startSpan('chat', { attributes: generationAttributes }, trace.setSpan(inServer, facade)).end();
    facade.end();
    expect(processor.stats()).toMatchObject({ buffered: 2, tracked: 3, kept: 0 });
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    server.end();
    expect(processor.stats()).toMatchObject({ buffered: 0, tracked: 0, kept: 2, filtered: 1 });
    const spans = await flushed();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat', 'turn']);
    rootsOf(spans);
  });
});

describe('placement details', () => {
  it('never changes the SDK span: the sent view keeps its methods and getters', async () => {
    const raw = new InMemorySpanExporter();
    const sent = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [createExportPolicyProcessor(new SimpleSpanProcessor(sent)), new SimpleSpanProcessor(raw)],
    });
    const ids = await handleChatRequest(provider);
    const original = byId(raw.getFinishedSpans(), ids.generation)!;
    const view = byId(sent.getFinishedSpans(), ids.generation)!;
    expect(view).not.toBe(original);
    expect(parentIdOf(original)).toBe(ids.client);
    expect(parentIdOf(view)).toBe(ids.facade);
    expect(view.spanContext()).toEqual(original.spanContext());
    expect(view.duration).toEqual(original.duration);
    expect(view.ended).toBe(true);
    expect(view.name).toBe(original.name);
    const originalFacade = byId(raw.getFinishedSpans(), ids.facade)!;
    expect(parentIdOf(originalFacade)).toBe(ids.server);
    expect(originalFacade.attributes[AS_ROOT]).toBeUndefined();
    await provider.shutdown();
  });

  it('a kept child that ends after its dropped parent ended is placed by what was decided', async () => {
    const { provider, flushed } = policySetup('simple');
    const t = tracers(provider);
    let background: Promise<void> = Promise.resolve();
    let facadeId = '';
    let lateId = '';
    await inSpan(t.http, 'POST /chat', { kind: SpanKind.SERVER }, () =>
      inSpan(t.facade, 'turn', {}, (facade) => {
        facadeId = facade.spanContext().spanId;
        // Fire and forget: started inside an HTTP client span, ends after everything else.
        background = inSpan(t.http, 'POST', { kind: SpanKind.CLIENT }, () => {
          return new Promise<void>((resolve) => {
            const late = t.app.startSpan('late-chat', { attributes: generationAttributes });
            lateId = late.spanContext().spanId;
            setTimeout(() => {
              late.end();
              resolve();
            }, 5);
          });
        });
      }),
    );
    await background;
    const spans = await flushed();
    expect(spans.map((s) => s.name).sort()).toEqual(['late-chat', 'turn']);
    expect(parentIdOf(byId(spans, lateId)!)).toBe(facadeId);
  });

  it('a span started after its dropped parent ended (and its trace segment was sent) still finds its kept ancestor', async () => {
    const { provider, processor, flushed } = policySetup('simple');
    const t = tracers(provider);
    const facade = t.facade.startSpan('turn');
    const client = t.http.startSpan('POST', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), facade));
    client.end();
    facade.end();
    expect(processor.stats().tracked).toBe(0);
    // A callback bound to the client span's context runs later.
    const late = t.app.startSpan('late-chat', { attributes: generationAttributes }, trace.setSpan(context.active(), client));
    late.end();
    const spans = await flushed();
    expect(parentIdOf(byId(spans, late.spanContext().spanId)!)).toBe(facade.spanContext().spanId);
    rootsOf(spans);
  });

  it('a predicate policy re-parents too', async () => {
    const { provider, processor, flushed } = policySetup('batch', { policy: (span) => span.kind !== SpanKind.CLIENT });
    const ids = await handleChatRequest(provider);
    const spans = await flushed();
    // Only the HTTP client span is dropped; the generation is a CLIENT span too, so dropped as well.
    expect(spans.map(idOf).sort()).toEqual([ids.server, ids.facade].sort());
    expect(parentIdOf(byId(spans, ids.facade)!)).toBe(ids.server);
    expect(processor.stats()).toMatchObject({ kept: 2, filtered: 2, reparented: 0 });
  });
});

/** Expected parent of each kept span: its nearest kept ancestor, computed from the raw tree. */
function nearestKept(raw: readonly ReadableSpan[], keptIds: ReadonlySet<string>): Map<string, string | undefined> {
  const byIdMap = new Map(raw.map((s) => [idOf(s), s]));
  const out = new Map<string, string | undefined>();
  for (const span of raw) {
    if (!keptIds.has(idOf(span))) continue;
    let parent = parentIdOf(span);
    while (parent !== undefined && !keptIds.has(parent)) parent = parentIdOf(byIdMap.get(parent)!);
    out.set(idOf(span), parent);
  }
  return out;
}

describe('random trees (seeded), any end order', () => {
  function rng(seed: number) {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
  }

  it.each(INNER_KINDS)('with %s: each kept span sent once, under its nearest kept ancestor', async (kind) => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed);
      const raw = new InMemorySpanExporter();
      const sent = new InMemorySpanExporter();
      const processor = createExportPolicyProcessor(innerProcessor(kind, sent), { policy: (s) => s.name.startsWith('keep') });
      const provider = new BasicTracerProvider({ spanProcessors: [processor, new SimpleSpanProcessor(raw)] });
      const tracer = provider.getTracer('random');
      const open: ReturnType<typeof tracer.startSpan>[] = [];
      for (let i = 0; i < 60; i++) {
        const parent = open.length > 0 && random() < 0.85 ? open[Math.floor(random() * open.length)] : undefined;
        const ctx = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
        const span = tracer.startSpan(`${random() < 0.4 ? 'keep' : 'drop'}-${i}`, {}, ctx);
        open.push(span);
        if (random() < 0.3) open.splice(Math.floor(random() * open.length), 1)[0]!.end();
      }
      while (open.length > 0) open.splice(Math.floor(random() * open.length), 1)[0]!.end();
      await provider.forceFlush();

      const keptIds = new Set(raw.getFinishedSpans().filter((s) => s.name.startsWith('keep')).map(idOf));
      const spans = sent.getFinishedSpans();
      expect(spans.map(idOf).sort(), `seed ${seed}`).toEqual([...keptIds].sort());
      const expected = nearestKept(raw.getFinishedSpans(), keptIds);
      for (const span of spans) {
        expect(parentIdOf(span), `seed ${seed} ${span.name}`).toBe(expected.get(idOf(span)));
        expect(span.attributes[AS_ROOT], `seed ${seed} ${span.name}`).toBe(
          expected.get(idOf(span)) === undefined && byId(raw.getFinishedSpans(), idOf(span))!.parentSpanContext !== undefined ? true : undefined,
        );
      }
      expect(processor.stats(), `seed ${seed}`).toMatchObject({ buffered: 0, tracked: 0, forcedOut: 0 });
      await provider.shutdown();
    }
  });
});
