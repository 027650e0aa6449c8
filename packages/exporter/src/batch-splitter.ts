import type { SerializedEvent } from './serialized-event.js';

const PREFIX = '{"batch":[';
const SUFFIX = ']}';
const ENVELOPE_BYTES = PREFIX.length + SUFFIX.length;

/** Groups events, in order, into batches whose request body stays within `maxBatchBytes`. */
export function splitIntoBatches(events: readonly SerializedEvent[], maxBatchBytes: number): SerializedEvent[][] {
  const batches: SerializedEvent[][] = [];
  let current: SerializedEvent[] = [];
  let size = ENVELOPE_BYTES;
  for (const event of events) {
    const added = event.bytes + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && size + added > maxBatchBytes) {
      batches.push(current);
      current = [];
      size = ENVELOPE_BYTES;
    }
    size += event.bytes + (current.length > 0 ? 1 : 0);
    current.push(event);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The request body of a batch: the events' JSON, each computed once, joined. */
export function batchBody(events: readonly SerializedEvent[]): string {
  return PREFIX + events.map((e) => e.json).join(',') + SUFFIX;
}
