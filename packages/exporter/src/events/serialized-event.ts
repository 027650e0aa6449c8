import { eventJson } from './event-json.js';
import type { DeliverableEvent } from '../wire/ingestion-event.js';
import { safeJsonStringify } from './safe-json.js';
import type { StringEscapeMemo } from './string-escape-memo.js';

/**
 * An event with its JSON computed once, and the span it came from (for the spans-exported count). `json` may be a
 * getter (see PiecewiseEvent): do not copy one with a spread.
 */
export interface SerializedEvent {
  readonly event: DeliverableEvent;
  readonly json: string;
  /** The JSON as pieces to write one after the other, when it was built that way (`json` joins them). */
  readonly pieces?: readonly string[];
  readonly bytes: number;
  /** The span whose observation this is; undefined for trace-creates, which may merge several spans. */
  readonly spanId: string | undefined;
  /** For a trace-create: the hash of its body, remembered once delivered. */
  readonly fingerprint?: string;
}

/**
 * An event whose JSON is kept in pieces (see event-json.ts) and joined only when something reads `json` (the
 * dead-letter file, say): the request body is written from the pieces.
 */
class PiecewiseEvent implements SerializedEvent {
  private joined: string | undefined;

  constructor(
    readonly event: DeliverableEvent,
    readonly pieces: readonly string[],
    readonly bytes: number,
    readonly spanId: string | undefined,
    /** Where the body's JSON starts in the joined text. */
    readonly bodyOffset: number,
    readonly fingerprint?: string,
  ) {}

  get json(): string {
    return (this.joined ??= this.pieces.join(''));
  }
}

/** The same event, remembering its body's hash. */
export function withFingerprint(serialized: SerializedEvent, fingerprint: string): SerializedEvent {
  if (serialized instanceof PiecewiseEvent) {
    const { event, pieces, bytes, spanId, bodyOffset } = serialized;
    return new PiecewiseEvent(event, pieces, bytes, spanId, bodyOffset, fingerprint);
  }
  return { ...serialized, fingerprint };
}

/** The body's JSON (the envelope is `{"id":…,"timestamp":…,"type":…,"body":{…}}`). */
export function bodyJsonOf(serialized: SerializedEvent): string {
  // Joined without keeping the result: only the pieces stay in memory.
  if (serialized instanceof PiecewiseEvent) return serialized.pieces.join('').slice(serialized.bodyOffset, -1);
  const { json } = serialized;
  const start = json.indexOf('"body":');
  return start === -1 ? json : json.slice(start + 7, -1);
}

const TRUNCATABLE_FIELDS = ['input', 'output', 'metadata'] as const;

export type SerializeOutcome =
  | { ok: true; serialized: SerializedEvent; truncatedFields: string[] }
  | { ok: false; bytes: number };

function measure(event: DeliverableEvent): { json: string; bytes: number } {
  const json = safeJsonStringify(event);
  return { json, bytes: Buffer.byteLength(json) };
}

function byteLengthOf(pieces: readonly string[]): number {
  let bytes = 0;
  for (const piece of pieces) bytes += Buffer.byteLength(piece);
  return bytes;
}

/**
 * Serializes an event once, reusing the JSON text its input/output came with (see event-json.ts). An event over
 * `maxEventBytes` that way is measured again as JSON.stringify writes it; one over it still gets its largest
 * input/output/metadata replaced by a marker that names the original size, largest first, until it fits; one that
 * still does not fit is refused. `strings`, when the caller serializes several events, spares escaping the same
 * long string again.
 */
export function serializeEvent(
  event: DeliverableEvent,
  maxEventBytes: number,
  spanId: string | undefined,
  strings?: StringEscapeMemo,
): SerializeOutcome {
  const built = eventJson(event, strings);
  if (built !== undefined) {
    const bytes = byteLengthOf(built.pieces);
    if (bytes <= maxEventBytes) {
      return { ok: true, serialized: new PiecewiseEvent(event, built.pieces, bytes, spanId, built.bodyOffset), truncatedFields: [] };
    }
  }
  let { json, bytes } = measure(event);
  if (bytes <= maxEventBytes) return { ok: true, serialized: { event, json, bytes, spanId }, truncatedFields: [] };

  const body = { ...event.body } as Record<string, unknown>;
  const truncatedFields: string[] = [];
  const sizes = TRUNCATABLE_FIELDS.filter((field) => body[field] !== undefined)
    .map((field) => ({ field, size: Buffer.byteLength(safeJsonStringify(body[field])) }))
    .sort((a, b) => b.size - a.size);
  let current = event;
  for (const { field, size } of sizes) {
    body[field] = `[truncated by otel-langfuse: ${field} was ${size} bytes; maxEventBytes is ${maxEventBytes}]`;
    truncatedFields.push(field);
    current = { ...event, body: { ...body } } as unknown as DeliverableEvent;
    ({ json, bytes } = measure(current));
    if (bytes <= maxEventBytes) return { ok: true, serialized: { event: current, json, bytes, spanId }, truncatedFields };
  }
  return { ok: false, bytes };
}
