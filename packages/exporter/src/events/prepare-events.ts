import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';
import type { StatsRecorder } from '../diagnostics/exporter-stats.js';
import type { IngestionEvent } from '../wire/ingestion-event.js';
import type { MediaStage } from '../media/media-stage.js';
import { isTraceDefaults, mergeTraceCreates, traceFieldsOf, type SpanMapper } from '../mapping/index.js';
import { bodyJsonOf, serializeEvent, withFingerprint, type SerializedEvent } from './serialized-event.js';
import { StringEscapeMemo } from './string-escape-memo.js';
import { TraceCreateMemory } from './trace-create-memory.js';

export interface PrepareDeps {
  mapper: SpanMapper;
  memory: TraceCreateMemory;
  stats: StatsRecorder;
  log: ComponentLogger;
  maxEventBytes: number;
  shouldExportSpan: ((span: ReadableSpan) => boolean) | undefined;
  /** When media upload is on: media in input/output/metadata is replaced by placeholders here (see MediaStage). */
  media?: MediaStage | undefined;
}

/** The spans `shouldExportSpan` keeps (all of them without one); a predicate that throws keeps the span. */
export function filterSpans(spans: readonly ReadableSpan[], deps: Pick<PrepareDeps, 'shouldExportSpan' | 'stats' | 'log'>): ReadableSpan[] {
  const predicate = deps.shouldExportSpan;
  if (!predicate) return [...spans];
  const kept = spans.filter((span) => keep(span, predicate, deps.log));
  deps.stats.add('spansFiltered', spans.length - kept.length);
  return kept;
}

/** Spans mapped (or events serialized) between two yields to the event loop, so a big batch never blocks it long. */
const SLICE = 64;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Ended spans → the events to deliver, each serialized once: map, merge the trace-creates of each trace, skip
 * trace-creates that would change nothing, fit each event into `maxEventBytes`. Works in slices, yielding to the
 * event loop between them.
 */
export async function prepareEvents(spans: readonly ReadableSpan[], deps: PrepareDeps): Promise<SerializedEvent[]> {
  const mapped: IngestionEvent[] = [];
  for (let start = 0; start < spans.length; start += SLICE) {
    if (start > 0) await yieldToEventLoop();
    mapSpans(spans, start, Math.min(start + SLICE, spans.length), deps, mapped);
  }
  const events = mergeTraceCreates(mapped, (traceId) => deps.memory.explicitFields(traceId));
  const out: SerializedEvent[] = [];
  const strings = new StringEscapeMemo();
  for (let index = 0; index < events.length; index++) {
    if (index > 0 && index % (SLICE * 4) === 0) await yieldToEventLoop();
    const known = withKnownPublic(events[index]!, deps.memory);
    const extraction = deps.media?.extractFromEvent(known);
    const event = extraction ? extraction.event : known;
    const spanId = event.type === 'trace-create' ? undefined : spanIdOf(event.id);
    const outcome = serializeEvent(event, deps.maxEventBytes, spanId, strings);
    if (!outcome.ok) {
      deps.stats.drop('event-too-large');
      deps.log.once('warn', 'event-too-large', `an event of ${outcome.bytes} bytes does not fit maxEventBytes (${deps.maxEventBytes}) even without input/output/metadata; dropped`);
      continue;
    }
    let serialized = outcome.serialized;
    if (event.type === 'trace-create') {
      const fingerprint = TraceCreateMemory.fingerprintJson(bodyJsonOf(serialized), event.body.timestamp);
      if (deps.memory.isUnchanged(event.body.id, fingerprint)) continue;
      serialized = withFingerprint(serialized, fingerprint);
    }
    if (outcome.truncatedFields.length > 0) {
      deps.stats.add('eventsTruncated');
      deps.log.once('warn', 'event-truncated', `an event over maxEventBytes (${deps.maxEventBytes}) had its ${outcome.truncatedFields.join(', ')} replaced by a size marker`);
    }
    if (extraction) deps.media?.remember(serialized, extraction.jobs);
    out.push(serialized);
  }
  return out;
}

/**
 * The server stores a trace-create without `public` as not public, and the last one it processes wins: once a
 * trace is known public, each of its trace-creates says so.
 */
function withKnownPublic(event: IngestionEvent, memory: TraceCreateMemory): IngestionEvent {
  if (event.type !== 'trace-create') return event;
  const traceId = event.body.id;
  if (event.body.public === true) memory.rememberPublic(traceId);
  else if (event.body.public === undefined && memory.isPublic(traceId)) return { ...event, body: { ...event.body, public: true } };
  return event;
}

/**
 * The events of spans that will not be sent (for the dead-letter file and the `onDrop` hook): mapped and serialized
 * like `prepareEvents`, but without touching the exporter's memory of traces or its counters.
 */
export function mapForDeadLetter(spans: readonly ReadableSpan[], mapper: SpanMapper, maxEventBytes: number): SerializedEvent[] {
  const events = mergeTraceCreates(spans.flatMap((span) => mapper.map(span)));
  const out: SerializedEvent[] = [];
  const strings = new StringEscapeMemo();
  for (const event of events) {
    const spanId = event.type === 'trace-create' ? undefined : spanIdOf(event.id);
    const outcome = serializeEvent(event, maxEventBytes, spanId, strings);
    if (outcome.ok) out.push(outcome.serialized);
  }
  return out;
}

/** Maps `spans[start..end)` into `events`. */
function mapSpans(spans: readonly ReadableSpan[], start: number, end: number, { mapper, memory, stats }: PrepareDeps, events: IngestionEvent[]): void {
  for (let i = start; i < end; i++) {
    const mapped = mapper.map(spans[i]!);
    if (mapped.length === 0) stats.drop('mapping-error');
    for (const event of mapped) {
      // Recorded as spans are mapped (in export order), so a root's fallback in a later batch knows about them.
      if (event.type === 'trace-create' && !isTraceDefaults(event)) memory.rememberExplicitFields(event.body.id, traceFieldsOf(event.body));
      events.push(event);
    }
  }
}

function keep(span: ReadableSpan, predicate: (span: ReadableSpan) => boolean, log: ComponentLogger): boolean {
  try {
    return predicate(span) !== false;
  } catch (error) {
    log.once('warn', 'should-export-span-threw', `shouldExportSpan threw (the span is exported): ${describeError(error)}`);
    return true;
  }
}

/** Observation ids are the span id, or `<spanId>-e<n>` for an OTel span event. */
/** The span an observation event came from: every envelope id of a span starts with the span's id and a dash. */
function spanIdOf(envelopeId: string): string {
  const dash = envelopeId.indexOf('-');
  return dash === -1 ? envelopeId : envelopeId.slice(0, dash);
}
