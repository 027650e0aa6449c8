import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import type { AssembledObservation } from '@otel-langfuse/receiver';
import { exportSpans, exporterFor, succeeded } from './helpers.js';

function spans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('app');
  const root = tracer.startSpan('root', { startTime: [1_767_268_800, 0] });
  const child = tracer.startSpan('llm', { startTime: [1_767_268_800, 1_000_000], attributes: { 'langfuse.observation.type': 'generation' } }, trace.setSpan(context.active(), root));
  child.addEvent('first-token', { index: 0, secret: 'card 4242' }, [1_767_268_800, 5_000_000]);
  child.recordException(new Error('late failure'), [1_767_268_800, 6_000_000]);
  child.addEvent('retry', undefined, [1_767_268_800, 7_000_000]);
  child.end([1_767_268_800, 9_000_000]);
  root.end([1_767_268_801, 0]);
  return memory.getFinishedSpans();
}

const mask = ({ data }: { data: unknown }): unknown => JSON.parse(JSON.stringify(data).replace(/\d{4}/g, '****'));

describe('span events', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver({ mode: 'v3' });
  });
  afterEach(() => receiver.close());

  async function storedEvents(transport: 'ingestion' | 'otlp', list: ReadableSpan[]): Promise<AssembledObservation[]> {
    receiver.reset();
    const exporter = exporterFor(receiver, { transport, environment: 'staging', mask });
    expect(succeeded(await exportSpans(exporter, list))).toBe(true);
    await exporter.shutdown();
    expect(exporter.stats()).toMatchObject({ spansExported: 2 });
    return receiver.trace(list[0]!.spanContext().traceId)!.observations.filter((o) => o.type === 'event');
  }

  it('become the same event observations over OTLP as on the legacy path (ids, parent, time, masked metadata, environment)', async () => {
    const list = spans();
    const legacy = await storedEvents('ingestion', list);
    const otlp = await storedEvents('otlp', list);
    expect(legacy.map((o) => o.name)).toEqual(['first-token', 'retry']);
    expect(legacy[0]).toMatchObject({ startTime: '2026-01-01T12:00:00.005000Z', environment: 'staging', metadata: { index: 0, secret: 'card ****' } });
    expect(otlp).toEqual(legacy);
  });
});
