import { describe, expect, it } from 'vitest';
import type { IngestionEvent } from '../src/wire/ingestion-event.js';
import { serializeEvent } from '../src/events/serialized-event.js';

const base = (body: Record<string, unknown>): IngestionEvent => ({
  id: 'a-span-create',
  timestamp: '2026-01-01T00:00:00.000000Z',
  type: 'span-create',
  body: { id: 'a', traceId: 't', ...body },
});

describe('serializeEvent', () => {
  it('serializes a small event as it is', () => {
    const event = base({ input: 'hi' });
    const outcome = serializeEvent(event, 1_000, 'a');
    expect(outcome.ok && JSON.parse(outcome.serialized.json)).toEqual(event);
    expect(outcome.ok && outcome.serialized.bytes).toBe(Buffer.byteLength(JSON.stringify(event)));
  });

  it('replaces the largest field first by a marker naming its size, and only as many as needed', () => {
    const outcome = serializeEvent(base({ input: 'i'.repeat(5_000), output: 'o'.repeat(300), metadata: { k: 'v' } }), 1_000, 'a');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.truncatedFields).toEqual(['input']);
    const body = outcome.serialized.event.body as unknown as Record<string, unknown>;
    expect(body['input']).toMatch(/^\[truncated by otel-langfuse: input was 5002 bytes; maxEventBytes is 1000\]$/);
    expect(body['output']).toBe('o'.repeat(300));
    expect(outcome.serialized.bytes).toBeLessThanOrEqual(1_000);
  });

  it('refuses an event that cannot fit even without input, output and metadata', () => {
    const outcome = serializeEvent(base({ name: 'n'.repeat(2_000) }), 1_000, 'a');
    expect(outcome.ok).toBe(false);
  });

  it('never throws on values a user mask may return (cycles, BigInt)', () => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic['self'] = cyclic;
    const outcome = serializeEvent(base({ input: cyclic }), 1_000, 'a');
    expect(outcome.ok && JSON.parse(outcome.serialized.json).body.input).toEqual({ n: '1', self: '[Circular]' });
  });
});
