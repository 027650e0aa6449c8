import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { DeliverableEvent } from '../wire/ingestion-event.js';

/**
 * One line of a dead-letter file (JSONL, one record per line). The legacy path records the envelope exactly as it
 * would have been sent (`path: 'ingestion'`, replayed to `/api/public/ingestion`); the OTLP path records the span as
 * an OTLP/JSON `ExportTraceServiceRequest` of that one span (`path: 'otlp'`, replayed to the OTLP endpoint), so a
 * Langfuse that only takes traces over OTLP (v4, Cloud) can still be replayed to. Ids are deterministic either way:
 * replaying twice stores each event once. Never holds a key.
 */
export type DeadLetterRecord = DeadLetterIngestionRecord | DeadLetterOtlpRecord;

interface RecordBase {
  /** Format version. */
  v: 1;
  /** When the exporter gave up, ISO 8601 UTC. */
  time: string;
  /** Why: the drop/rejection reason of `stats()` (`circuit-open`, `network-ECONNREFUSED`, `event-400`, ...). */
  reason: string;
}

export interface DeadLetterIngestionRecord extends RecordBase {
  path: 'ingestion';
  event: DeliverableEvent;
}

export interface DeadLetterOtlpRecord extends RecordBase {
  path: 'otlp';
  traceId: string;
  spanId: string;
  /** `{ resourceSpans: [...] }` holding this one span. */
  otlp: { resourceSpans: unknown[] };
}

export const DEAD_LETTER_VERSION = 1;

const head = (time: string, reason: string, path: string) =>
  `{"v":${DEAD_LETTER_VERSION},"time":${JSON.stringify(time)},"reason":${JSON.stringify(reason)},"path":"${path}"`;

/** A line for an event whose JSON is already computed (the exact bytes that would have been sent). */
export function ingestionLine(eventJson: string, reason: string, time: string): string {
  return `${head(time, reason, 'ingestion')},"event":${eventJson}}\n`;
}

const decoder = new TextDecoder();
type Serializable = Parameters<typeof JsonTraceSerializer.serializeRequest>[0];

/** A line for a span of the OTLP path, serialized by OpenTelemetry's own OTLP/JSON serializer. */
export function otlpLine(span: ReadableSpan, reason: string, time: string): string {
  const { traceId, spanId } = span.spanContext();
  const bytes = JsonTraceSerializer.serializeRequest([span] as unknown as Serializable) ?? new Uint8Array();
  const otlp = bytes.length > 0 ? decoder.decode(bytes) : '{"resourceSpans":[]}';
  return `${head(time, reason, 'otlp')},"traceId":${JSON.stringify(traceId)},"spanId":${JSON.stringify(spanId)},"otlp":${otlp}}\n`;
}

/** Reads one line back; says what is wrong with it instead of throwing. */
export function parseDeadLetterLine(line: string): DeadLetterRecord | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { invalid: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { invalid: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  if (record['v'] !== DEAD_LETTER_VERSION) return { invalid: `unknown format version ${JSON.stringify(record['v'])}` };
  if (typeof record['reason'] !== 'string' || typeof record['time'] !== 'string') return { invalid: 'no reason or time' };
  if (record['path'] === 'ingestion') {
    const event = record['event'] as Record<string, unknown> | null;
    if (typeof event !== 'object' || event === null || typeof event['id'] !== 'string' || typeof event['type'] !== 'string') {
      return { invalid: 'no event envelope (id, type)' };
    }
    return record as unknown as DeadLetterIngestionRecord;
  }
  if (record['path'] === 'otlp') {
    const otlp = record['otlp'] as Record<string, unknown> | null;
    if (typeof otlp !== 'object' || otlp === null || !Array.isArray(otlp['resourceSpans'])) return { invalid: 'no OTLP resourceSpans' };
    return record as unknown as DeadLetterOtlpRecord;
  }
  return { invalid: `unknown path ${JSON.stringify(record['path'])}` };
}
