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

/**
 * The request body of a batch: the events' JSON, each computed once, encoded straight into one buffer of the size
 * their byte counts add up to (no joined string, which the HTTP client would measure and encode again).
 */
export function batchBody(events: readonly SerializedEvent[]): Buffer {
  let size = ENVELOPE_BYTES + Math.max(0, events.length - 1);
  for (const event of events) size += event.bytes;
  const body = Buffer.allocUnsafe(size);
  let at = body.write(PREFIX, 0, 'latin1');
  for (let i = 0; i < events.length; i++) {
    if (i > 0) body[at++] = 0x2c; // ,
    const { pieces } = events[i]!;
    if (pieces === undefined) at += body.write(events[i]!.json, at, 'utf8');
    else for (const piece of pieces) at += body.write(piece, at, 'utf8');
  }
  at += body.write(SUFFIX, at, 'latin1');
  // Only a SerializedEvent whose `bytes` is not its JSON's byte length would get here; never send unwritten memory.
  return at === size ? body : Buffer.from(PREFIX + events.map((e) => e.json).join(',') + SUFFIX);
}
