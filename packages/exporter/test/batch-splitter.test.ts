import { describe, expect, it } from 'vitest';
import { batchBody, splitIntoBatches } from '../src/events/batch-splitter.js';
import type { IngestionEvent } from '../src/wire/ingestion-event.js';
import { serializeEvent, type SerializedEvent } from '../src/events/serialized-event.js';

function event(i: number, inputBytes: number): SerializedEvent {
  const e: IngestionEvent = {
    id: `s${i}-span-create`,
    timestamp: '2026-01-01T00:00:00.000000Z',
    type: 'span-create',
    body: { id: `s${i}`, traceId: 't', input: 'x'.repeat(inputBytes) },
  };
  const outcome = serializeEvent(e, 10_000_000, `s${i}`);
  if (!outcome.ok) throw new Error('unexpected');
  return outcome.serialized;
}

describe('splitIntoBatches', () => {
  it('keeps every body within the byte limit and every event in order', () => {
    const events = Array.from({ length: 50 }, (_, i) => event(i, 100 + ((i * 37) % 400)));
    const max = 2_000;
    const batches = splitIntoBatches(events, max);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(batchBody(batch))).toBeLessThanOrEqual(max);
    expect(batches.flat()).toEqual(events);
  });

  it('produces a body that parses to the events', () => {
    const events = [event(1, 5), event(2, 5)];
    expect(JSON.parse(batchBody(events).toString('utf8'))).toEqual({ batch: events.map((e) => e.event) });
  });

  it('writes each event\'s JSON, whether kept in pieces or whole, as UTF-8 of exactly the counted size', () => {
    const pieced = event(1, 5);
    const whole: SerializedEvent = { event: pieced.event, json: JSON.stringify(pieced.event).replace('xxxxx', 'é😀'), bytes: 0, spanId: 's1' };
    const withBytes = { ...whole, bytes: Buffer.byteLength(whole.json) };
    const body = batchBody([pieced, withBytes, pieced]);
    expect(body.toString('utf8')).toBe(`{"batch":[${pieced.json},${whole.json},${pieced.json}]}`);
    expect(body.length).toBe(Buffer.byteLength(body.toString('utf8')));
    expect(batchBody([]).toString()).toBe('{"batch":[]}');
  });

  it('never sends unwritten memory when an event\'s byte count is wrong', () => {
    const good = event(1, 5);
    const wrong: SerializedEvent = { ...good, json: good.json, bytes: good.bytes + 10 };
    expect(batchBody([wrong, good]).toString('utf8')).toBe(`{"batch":[${good.json},${good.json}]}`);
  });

  it('puts an event bigger than the limit alone in its batch', () => {
    const batches = splitIntoBatches([event(1, 10), event(2, 5_000), event(3, 10)], 1_000);
    expect(batches.map((b) => b.length)).toEqual([1, 1, 1]);
  });
});
