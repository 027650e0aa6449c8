import { AS_ROOT, createSpanMapper, mergeTraceCreates, type MappingNote, type SpanMapper } from '@otel-langfuse/exporter/mapping';
import { writesLegacyTables } from '../modes/server-mode.js';
import { isAggregateAgentSpan, withoutAggregateAgentUsage } from './aggregate-agent-usage.js';
import { asLegacyTableTraceCreate } from './legacy-table-trace-update.js';
import { serverRefusal } from './server-refused-attributes.js';
import { ingestBatch, type IngestContext } from '../ingestion/ingest-batch.js';
import { countSpans, type OtlpTraceRequest } from './otlp-model.js';
import { toReadableSpan, toResource, toScope } from './otlp-span.js';
import type { BatchSummary } from '../config/receiver-options.js';

export interface OtlpIngestResult {
  summary: BatchSummary;
  /** Spans not (fully) stored: the mapping dropped them, or their observation failed validation. */
  rejectedSpans: number;
  /** Set when rejectedSpans > 0 or a merged trace-create failed validation. */
  errorMessage?: string;
}

type MappedEvent = ReturnType<SpanMapper['map']>[number];

const MAX_REASONS = 3;

function isSpanEvent(event: MappedEvent, spanId: string): boolean {
  return event.type === 'event-create' && event.body.id !== spanId;
}

/**
 * Turns OTLP spans into stored events with the exporter's own mapping (one mapper for the receiver's lifetime, as an
 * exporter has one), so a trace looks the same whichever path delivered it. Trace-creates are merged per request.
 */
export class OtlpIngestor {
  private readonly mapper: SpanMapper;
  private failureNotes: string[] = [];

  constructor(private readonly context: IngestContext) {
    this.mapper = createSpanMapper({}, (note: MappingNote) => {
      if (note.code === 'span-mapping-failed') this.failureNotes.push(note.message);
    });
  }

  /** Maps, validates and stores the request's spans. Synchronous, so requests never interleave. */
  ingest(request: OtlpTraceRequest): OtlpIngestResult {
    this.failureNotes = [];
    const events: MappedEvent[] = [];
    // Envelope id -> index of the span it came from; trace-creates are left out (a merged one has many sources).
    const spanOfEvent = new Map<string, number>();
    let spanIndex = 0;
    const legacyTables = writesLegacyTables(this.context.policy);
    let unmapped = 0;
    for (const resourceSpans of request.resourceSpans) {
      const resource = toResource(resourceSpans.resource, resourceSpans.schemaUrl);
      for (const scopeSpans of resourceSpans.scopeSpans) {
        const scope = toScope(scopeSpans.scope, scopeSpans.schemaUrl);
        for (const span of scopeSpans.spans) {
          // The server makes one observation per span: span events become none (the exporter sends them as spans).
          const readable = toReadableSpan(span, resource, scope);
          let mapped = this.mapper.map(readable).filter((event) => !isSpanEvent(event, span.spanId));
          if (isAggregateAgentSpan(readable.attributes)) mapped = mapped.map((event) => withoutAggregateAgentUsage(event, span.spanId));
          const refusal = legacyTables ? serverRefusal(readable.attributes) : undefined;
          if (refusal !== undefined) {
            // The observation fails the server's schema later, in its worker: the OTLP answer says nothing of it.
            mapped = mapped.filter((event) => event.type === 'trace-create');
          }
          if (legacyTables) {
            const isRoot = readable.parentSpanContext === undefined || readable.attributes[AS_ROOT] === true || readable.attributes[AS_ROOT] === 'true';
            mapped = mapped.map((event) => asLegacyTableTraceCreate(event, isRoot));
          }
          // The mapping returns at least the span's observation unless it failed (and then reported a note).
          if (mapped.length === 0) unmapped++;
          for (const event of mapped) {
            if (event.type !== 'trace-create') spanOfEvent.set(event.id, spanIndex);
            events.push(event);
          }
          spanIndex++;
        }
      }
    }

    const { response, summary } = ingestBatch(mergeTraceCreates(events), this.context, { origin: 'otlp' });
    summary.spans = countSpans(request);
    this.context.stats.otlpSpans += summary.spans;
    this.context.stats.otlpMappingErrors += unmapped;

    const rejected = new Set<number>();
    for (const item of response.errors) {
      const index = spanOfEvent.get(item.id);
      if (index !== undefined) rejected.add(index);
    }
    const rejectedSpans = unmapped + rejected.size;
    const reasons = [...this.failureNotes, ...response.errors.map((item) => `${item.id}: ${item.message ?? item.status}`)];
    this.failureNotes = [];
    if (reasons.length === 0) return { summary, rejectedSpans };
    const more = reasons.length > MAX_REASONS ? ` (+${reasons.length - MAX_REASONS} more)` : '';
    return { summary, rejectedSpans, errorMessage: `${reasons.slice(0, MAX_REASONS).join('; ')}${more}` };
  }
}
