import { describe, expect, it } from 'vitest';
import { makeSpans } from './helpers.js';
import { ComponentLogger } from '../src/diagnostics/component-logger.js';
import type { RequestSender, TransportResult } from '../src/delivery/http/http-transport.js';
import { IngestionDelivery } from '../src/delivery/ingestion/ingestion-delivery.js';
import { OtlpDelivery } from '../src/delivery/otlp/otlp-delivery.js';
import { serializeEvent, type SerializedEvent } from '../src/events/serialized-event.js';

const TOO_LARGE: TransportResult = { kind: 'error', reason: 'response-too-large', code: 'RESPONSE_TOO_LARGE', message: 'body past the cap' };

/** A sender playing `answers` in order (the last one repeats), keeping the bodies it was given. */
class ScriptedSender implements RequestSender {
  readonly bodies: string[] = [];
  constructor(private readonly answers: ((body: string) => TransportResult)[]) {}
  send(body: string | Buffer): Promise<TransportResult> {
    const text = body.toString();
    this.bodies.push(text);
    const answer = this.answers[Math.min(this.bodies.length - 1, this.answers.length - 1)]!;
    return Promise.resolve(answer(text));
  }
}

/** Langfuse's 207 accepting every event of the request. */
function acceptAll(body: string): TransportResult {
  const { batch } = JSON.parse(body) as { batch: { id: string }[] };
  return { kind: 'response', status: 207, headers: {}, body: JSON.stringify({ successes: batch.map(({ id }) => ({ id, status: 201 })), errors: [] }) };
}

function events(n: number): SerializedEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const outcome = serializeEvent({ id: `e${i}`, timestamp: '2025-01-01T00:00:00.000Z', type: 'span-create', body: { id: `s${i}`, traceId: 't' } }, 100_000, `s${i}`);
    if (!outcome.ok) throw new Error('not serialized');
    return outcome.serialized;
  });
}

const delivery = (sender: RequestSender, maxRetries = 3) =>
  new IngestionDelivery(sender, { endpoint: 'http://127.0.0.1/api/public/ingestion', maxBatchBytes: 3_500_000, maxEventBytes: 100_000, maxRetries, retry: { initialDelayMs: 1, maxDelayMs: 5 } }, new ComponentLogger('test'));

describe('an answer too large to read, on the legacy path', () => {
  it('is resent (the server dedups by envelope id) and delivered when the next answer is readable', async () => {
    const sender = new ScriptedSender([() => TOO_LARGE, acceptAll]);
    const batch = events(3);
    const outcomes = await delivery(sender).deliver(batch, Date.now() + 5_000);
    expect(sender.bodies).toHaveLength(2);
    expect(sender.bodies[1]).toBe(sender.bodies[0]);
    expect(batch.map((e) => outcomes.get(e))).toEqual(batch.map(() => ({ kind: 'accepted' })));
  });

  it('is dropped as response-too-large once the retries run out', async () => {
    const sender = new ScriptedSender([() => TOO_LARGE]);
    const batch = events(2);
    const outcomes = await delivery(sender, 2).deliver(batch, Date.now() + 5_000);
    expect(sender.bodies).toHaveLength(3);
    expect(batch.map((e) => outcomes.get(e))).toEqual(batch.map(() => ({ kind: 'dropped', reason: 'response-too-large' })));
  });

  it('is dropped as response-too-large when the deadline leaves no time to resend', async () => {
    const sender = new ScriptedSender([() => TOO_LARGE]);
    const batch = events(1);
    const outcomes = await delivery(sender).deliver(batch, Date.now() + 30);
    expect(outcomes.get(batch[0]!)).toEqual({ kind: 'dropped', reason: 'response-too-large' });
  });
});

describe('an answer too large to read, on the OTLP path', () => {
  it('is not resent (spans carry no id the server dedups by): dropped as response-too-large', async () => {
    const sender = new ScriptedSender([() => TOO_LARGE]);
    const spans = makeSpans(3);
    const otlp = new OtlpDelivery(sender, { endpoint: 'http://127.0.0.1/api/public/otel/v1/traces', encoding: 'json', maxBatchBytes: 3_500_000 }, new ComponentLogger('test'));
    const outcomes = await otlp.deliver(spans, Date.now() + 5_000);
    expect(sender.bodies).toHaveLength(1);
    expect(spans.map((s) => outcomes.get(s))).toEqual(spans.map(() => ({ kind: 'dropped', reason: 'response-too-large' })));
  });
});
