import type { DeliverableEvent } from './ingestion-event.js';
import { safeJsonStringify } from './safe-json.js';

/** An event with its JSON computed once, and the span it came from (for the spans-exported count). */
export interface SerializedEvent {
  readonly event: DeliverableEvent;
  readonly json: string;
  readonly bytes: number;
  /** The span whose observation this is; undefined for trace-creates, which may merge several spans. */
  readonly spanId: string | undefined;
  /** For a trace-create: the hash of its body, remembered once delivered. */
  readonly fingerprint?: string;
}

const TRUNCATABLE_FIELDS = ['input', 'output', 'metadata'] as const;

export type SerializeOutcome =
  | { ok: true; serialized: SerializedEvent; truncatedFields: string[] }
  | { ok: false; bytes: number };

function measure(event: DeliverableEvent): { json: string; bytes: number } {
  const json = safeJsonStringify(event);
  return { json, bytes: Buffer.byteLength(json) };
}

/**
 * Serializes an event once. An event over `maxEventBytes` gets its largest input/output/metadata replaced by a
 * marker that names the original size, largest first, until it fits; one that still does not fit is refused.
 */
export function serializeEvent(
  event: DeliverableEvent,
  maxEventBytes: number,
  spanId: string | undefined,
  fingerprint?: string,
): SerializeOutcome {
  let { json, bytes } = measure(event);
  if (bytes <= maxEventBytes) return { ok: true, serialized: { event, json, bytes, spanId, fingerprint }, truncatedFields: [] };

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
    if (bytes <= maxEventBytes) return { ok: true, serialized: { event: current, json, bytes, spanId, fingerprint }, truncatedFields };
  }
  return { ok: false, bytes };
}
