import { loadContract } from '@otel-langfuse/test-support';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { expect } from 'vitest';
import type { IngestionEvent, ObservationCreateEvent, TraceCreateEvent } from '../../src/wire/ingestion-event.js';
import { createSpanMapper, mergeTraceCreates, type MappingNote, type MappingOptions } from '../../src/mapping/index.js';

const contract = loadContract();

/** A provider recording into memory, as an app would configure one for the LLM SDK under test. */
export function createMemoryProvider(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'llm-app' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { provider, exporter };
}

export interface MappedSpans {
  events: IngestionEvent[];
  notes: MappingNote[];
  /** The observation of each span, by span name (the last one when names repeat). */
  byName: Map<string, ObservationCreateEvent>;
  observations: ObservationCreateEvent[];
  traces: TraceCreateEvent[];
}

/** Maps spans with one mapper (as the exporter does), merges trace-creates, and checks every event against the contract. */
export function mapSpans(spans: readonly ReadableSpan[], options: MappingOptions = {}): MappedSpans {
  const notes: MappingNote[] = [];
  const mapper = createSpanMapper(options, (note) => notes.push(note));
  const events = mergeTraceCreates(spans.flatMap((span) => mapper.map(span)));
  expectContract(events);
  const observations = events.filter((e): e is ObservationCreateEvent => e.type !== 'trace-create');
  const byName = new Map<string, ObservationCreateEvent>();
  for (const span of spans) {
    const observation = observations.find((o) => o.body.id === span.spanContext().spanId);
    if (observation !== undefined) byName.set(span.name, observation);
  }
  return {
    events,
    notes,
    byName,
    observations,
    traces: events.filter((e): e is TraceCreateEvent => e.type === 'trace-create'),
  };
}

/** Every event matches Langfuse's OpenAPI spec (skipped, with one warning, when the spec is absent). */
export function expectContract(events: readonly IngestionEvent[]): void {
  if (contract === undefined) return;
  for (const event of events) expect(contract.check(event), `${event.type} ${event.id}`).toEqual([]);
}

/** The observation of the span named `name`; fails the test when there is none. */
export function observationNamed(mapped: MappedSpans, spanName: string): ObservationCreateEvent {
  const observation = mapped.byName.get(spanName);
  expect(observation, `observation for span ${spanName}`).toBeDefined();
  return observation!;
}

/** The span attributes left in the observation's metadata copy. */
export function metadataAttributes(observation: ObservationCreateEvent): Record<string, unknown> {
  return (observation.body.metadata?.['attributes'] as Record<string, unknown> | undefined) ?? {};
}
