import { describe, expect, it } from 'vitest';
import http from 'node:http';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { StoredEvent } from '@otel-langfuse/receiver';
import type { LangfuseSpanExporter } from '../src/index.js';
import { exportSpans, exporterFor, makeSpans, useContextManager, useExporterTestBed } from './helpers.js';
import { spanEventId } from '../src/mapping/span-events.js';

const { receiver } = useExporterTestBed();
useContextManager();

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function providerWith(processor: (exporter: LangfuseSpanExporter) => SpanProcessor, exporter: LangfuseSpanExporter) {
  // An isolated provider: nothing global is registered apart from the context manager.
  return new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment.name': 'staging' }),
    spanProcessors: [processor(exporter)],
  });
}

/** A request handler with an LLM call inside, the shape most users trace. */
async function handleRequest(provider: NodeTracerProvider): Promise<{ traceId: string; rootId: string; llmId: string }> {
  const tracer = provider.getTracer('checkout-service', '2.0.0');
  return tracer.startActiveSpan('POST /checkout', async (root) => {
    root.setAttributes({
      'langfuse.trace.name': 'checkout',
      'langfuse.user.id': 'u-1',
      'langfuse.trace.tags': ['web'],
      'langfuse.observation.input': '{"cart":3}',
    });
    const llmId = await tracer.startActiveSpan('summarize-cart', async (llm) => {
      llm.setAttributes({
        'langfuse.observation.model.name': 'small-model',
        'langfuse.observation.usage_details': '{"input":7,"output":3}',
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      llm.addEvent('first-token', { index: 0 });
      llm.end();
      return llm.spanContext().spanId;
    });
    root.recordException(new Error('payment declined'));
    root.setStatus({ code: SpanStatusCode.ERROR });
    root.end();
    return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, llmId };
  });
}

function byType(events: StoredEvent[]) {
  const of = (type: string) => events.filter((e) => e.type === type);
  return { traces: of('trace-create'), spans: of('span-create'), generations: of('generation-create'), events: of('event-create') };
}

describe.each([
  ['BatchSpanProcessor', (e: LangfuseSpanExporter) => new BatchSpanProcessor(e)],
  ['SimpleSpanProcessor', (e: LangfuseSpanExporter) => new SimpleSpanProcessor(e)],
])('a real NodeTracerProvider with %s', (_name, processor) => {
  it('stores exactly the expected events for one request', async () => {
    const exporter = exporterFor(receiver());
    const provider = providerWith(processor, exporter);
    const { traceId, rootId, llmId } = await handleRequest(provider);
    await provider.forceFlush();
    await exporter.forceFlush();

    const stored = receiver().eventsForTrace(traceId);
    const { traces, spans, generations, events } = byType(stored);
    expect(stored).toHaveLength(4);

    expect(traces).toHaveLength(1);
    expect(traces[0]!.body).toMatchObject({
      id: traceId,
      name: 'checkout',
      userId: 'u-1',
      tags: ['web'],
      input: { cart: 3 },
      environment: 'staging',
    });
    expect(traces[0]!.body['timestamp']).toMatch(ISO);

    expect(spans).toHaveLength(1);
    expect(spans[0]!.id).toBe(`${rootId}-span-create`);
    expect(spans[0]!.body).toMatchObject({
      id: rootId,
      traceId,
      name: 'POST /checkout',
      level: 'ERROR',
      statusMessage: 'payment declined',
      input: { cart: 3 },
      environment: 'staging',
    });
    expect(spans[0]!.body['parentObservationId']).toBeUndefined();

    expect(generations).toHaveLength(1);
    expect(generations[0]!.body).toMatchObject({
      id: llmId,
      traceId,
      parentObservationId: rootId,
      name: 'summarize-cart',
      model: 'small-model',
      usageDetails: { input: 7, output: 3 },
      level: 'DEFAULT',
    });
    const generation = generations[0]!.body;
    expect(generation['startTime']).toMatch(ISO);
    expect(String(generation['endTime']) >= String(generation['startTime'])).toBe(true);

    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({ traceId, parentObservationId: llmId, name: 'first-token', id: `${spanEventId(llmId, 0)}` });

    expect(receiver().contractViolations()).toEqual([]);
    expect(exporter.stats()).toMatchObject({ spansReceived: 2, spansExported: 2, eventsSent: 4 });
    await provider.shutdown();
  });
});

describe('concurrency', () => {
  it('delivers every span when forceFlush starts many exports at once', async () => {
    receiver().faults.push({ delayMs: 50, times: 20 });
    const exporter = exporterFor(receiver());
    const provider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 10, maxQueueSize: 1_000, scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('load');
    for (let i = 0; i < 100; i++) tracer.startSpan(`op-${i}`, { attributes: { 'langfuse.observation.type': 'event' } }).end();
    await provider.forceFlush();
    await exporter.forceFlush();
    expect(receiver().events().filter((e) => e.type === 'event-create')).toHaveLength(100);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    expect(exporter.stats()).toMatchObject({ spansExported: 100, exportsInFlight: 0 });
    await provider.shutdown();
  });

  it('provider.shutdown() delivers what is queued and then the exporter refuses new work', async () => {
    const exporter = exporterFor(receiver());
    const provider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('shutdown');
    for (let i = 0; i < 25; i++) tracer.startSpan(`queued-${i}`).end();
    expect(receiver().events()).toHaveLength(0);
    await provider.shutdown();
    expect(receiver().events().filter((e) => e.type === 'span-create')).toHaveLength(25);
    const after = await new Promise((resolve) => exporter.export([], resolve));
    expect(after).toMatchObject({ code: 1 });
  });

  it('makes its HTTP requests with tracing suppressed, so HTTP instrumentation never traces them', async () => {
    // HTTP instrumentations check isTracingSuppressed(context.active()) when a request starts: look at that moment.
    const exporter = exporterFor(receiver());
    const suppressedAtRequest: boolean[] = [];
    const original = http.request;
    http.request = ((...args: Parameters<typeof http.request>) => {
      suppressedAtRequest.push(isTracingSuppressed(context.active()));
      return original(...args);
    }) as typeof http.request;
    try {
      // Called directly, not through a processor (SimpleSpanProcessor suppresses on its own; BatchSpanProcessor does
      // only when a global context manager exists), so only the exporter's own suppression is in play.
      await exportSpans(exporter, makeSpans(1));
      expect(suppressedAtRequest).toEqual([true]);
      await exporter.shutdown();
    } finally {
      http.request = original;
    }
  });
});
