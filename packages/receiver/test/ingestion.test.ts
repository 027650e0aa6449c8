import { beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type EventOutcome } from '../src/index.js';
import { envelope, generationCreate, scoreCreate, spanCreate, traceCreate } from './event-builders.js';
import { ingest, postBatch } from './ingestion-client.js';
import { exportOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf } from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';

describe('ingesting batches', () => {
  let seen: { event: unknown; outcome: EventOutcome }[];
  beforeEach(() => {
    seen = [];
  });
  const receiver = useReceiver({ onEvent: (event, outcome) => seen.push({ event, outcome }) });

  it('answers 207 with a 201 per event and stores the envelopes as received, in order', async () => {
    const batch = [traceCreate(), spanCreate(), generationCreate(), scoreCreate()];
    const reply = await ingest(receiver(), batch);
    expect(reply.errors).toEqual([]);
    expect(reply.successes).toEqual(batch.map((event) => ({ id: event.id, status: 201 })));
    expect(receiver().events()).toEqual(batch);
    expect(receiver().stats()).toMatchObject({ requests: 1, eventsReceived: 4, eventsAccepted: 4, eventsRejected: 0 });
  });

  it('answers a repeated envelope id with 201 again but stores it once and counts it', async () => {
    const trace = traceCreate();
    const span = spanCreate();
    const first = await ingest(receiver(), [trace, span, { ...span }]);
    expect(first.successes.map((item) => [item.id, item.status])).toEqual([
      [trace.id, 201],
      [span.id, 201],
      [span.id, 201],
    ]);
    const retry = await ingest(receiver(), [trace, span]);
    expect(retry.successes).toHaveLength(2);
    expect(receiver().events()).toEqual([trace, span]);
    expect(receiver().stats()).toMatchObject({ eventsAccepted: 5, duplicateEnvelopeIds: 3 });
  });

  it('accepts unknown fields, as the server does, and counts them', async () => {
    const reply = await ingest(receiver(), [
      spanCreate({ traceID: 'typo', colour: 'blue' }, { extraEnvelopeField: 1 }),
      traceCreate(),
    ]);
    expect(reply.errors).toEqual([]);
    expect(receiver().stats().unknownFields).toBe(3);
  });

  it('calls onEvent for every event with its outcome', async () => {
    const good = traceCreate();
    const bad = spanCreate({ level: 'INFO' });
    await ingest(receiver(), [good, bad, good]);
    expect(seen.map(({ event, outcome }) => [event, outcome.accepted, outcome.status])).toEqual([
      [good, true, 201],
      [bad, false, 400],
      [good, true, 201],
    ]);
    expect(seen[1]?.outcome.message).toContain('body.level');
  });

  it('answers 500 when onEvent throws, so a failing cross-check is not silent', async () => {
    const throwing = await startReceiver({
      onEvent: () => {
        throw new Error('cross-check failed');
      },
    });
    try {
      const response = await postBatch(throwing, [traceCreate()]);
      expect(response.status).toBe(500);
      expect(((await response.json()) as { message: string }).message).toContain('cross-check failed');
    } finally {
      await throwing.close();
    }
  });

  it('selects a trace with eventsForTrace: its trace-create and its observations', async () => {
    const trace = traceCreate({ id: 'trace-a' });
    const span = spanCreate({ traceId: 'trace-a' });
    const generation = generationCreate({ traceId: 'trace-a' });
    await ingest(receiver(), [
      trace,
      span,
      traceCreate({ id: 'trace-b' }),
      spanCreate({ traceId: 'trace-b' }),
      generation,
      // An observation whose id equals the trace id is not the trace-create.
      spanCreate({ id: 'trace-a', traceId: 'trace-b' }),
    ]);
    expect(receiver().eventsForTrace('trace-a')).toEqual([trace, span, generation]);
    expect(receiver().eventsForTrace('missing')).toEqual([]);
  });

  it('returns copies from events(), so a caller cannot drop stored events', async () => {
    await ingest(receiver(), [traceCreate()]);
    receiver().events().pop();
    expect(receiver().events()).toHaveLength(1);
  });

  it('waitForEvents resolves once the predicate holds', async () => {
    const waiting = receiver().waitForEvents((events) => events.some((event) => event.type === 'span-create'), 10_000);
    await ingest(receiver(), [traceCreate()]);
    await ingest(receiver(), [spanCreate()]);
    const events = await waiting;
    expect(events.map((event) => event.type)).toEqual(['trace-create', 'span-create']);
  });

  it('waitForEvents resolves at once when the predicate already holds', async () => {
    await ingest(receiver(), [traceCreate()]);
    await expect(receiver().waitForEvents((events) => events.length === 1, 10_000)).resolves.toHaveLength(1);
  });

  it('waitForEvents rejects with a clear error on timeout', async () => {
    await ingest(receiver(), [traceCreate()]);
    await expect(receiver().waitForEvents((events) => events.length > 5, 50)).rejects.toThrow(
      /waitForEvents: condition not met within 50 ms; 1 events stored \(trace-create x1\)/,
    );
  });

  it('waitForEvents rejects when the predicate throws, and when the receiver closes', async () => {
    await expect(
      receiver().waitForEvents(() => {
        throw new Error('bad predicate');
      }),
    ).rejects.toThrow('bad predicate');
    const pending = receiver().waitForEvents(() => false, 60_000);
    await receiver().close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it('reset() clears events, stats, requests and faults', async () => {
    await ingest(receiver(), [traceCreate()]);
    await exportOtlp(receiver(), toOtlpProtobuf({ spans: [simpleSpan()] }), { ingestionVersion: null });
    expect(receiver().stats()).toMatchObject({ otlpRequests: 1, otlpSpans: 1, otlpWithoutIngestionVersion: 1 });
    receiver().faults.push({ status: 503, times: 3 });
    receiver().reset();
    expect(receiver().events()).toEqual([]);
    expect(receiver().requests()).toEqual([]);
    expect(receiver().stats()).toEqual({
      requests: 0,
      eventsReceived: 0,
      eventsAccepted: 0,
      eventsRejected: 0,
      duplicateEnvelopeIds: 0,
      bytesReceived: 0,
      unknownFields: 0,
      otlpRequests: 0,
      otlpSpans: 0,
      otlpWithoutIngestionVersion: 0,
      otlpMappingErrors: 0,
    });
    expect(receiver().faults.pending()).toBe(0);
    // An id stored before reset() is new again afterwards.
    const again = await ingest(receiver(), [traceCreate()]);
    expect(again.successes).toHaveLength(1);
    expect(receiver().events()).toHaveLength(1);
  });

  it('close() can be called twice and the port stops answering', async () => {
    const { url } = receiver();
    await receiver().close();
    await receiver().close();
    await expect(fetch(`${url}/api/public/health`)).rejects.toThrow();
  });

  it('accepts a batch with an empty list', async () => {
    const reply = await ingest(receiver(), []);
    expect(reply).toEqual({ successes: [], errors: [] });
  });

  it('keys the result of a malformed event on its id when it has one', async () => {
    const reply = await ingest(receiver(), [envelope('span-create', { id: 'x' }, { id: 'evt-malformed' }), 42]);
    expect(reply.errors.map((item) => [item.id, item.status])).toEqual([
      ['evt-malformed', 400],
      ['', 400],
    ]);
  });
});

describe('startReceiver options', () => {
  it.each([
    [{ port: -1 }, /port/],
    [{ port: 1.5 }, /port/],
    [{ publicKey: '' }, /publicKey/],
    [{ mode: 'v9' as never }, /mode/],
    [{ mode: 'v2' as const, extendedObservationTypes: true }, /extendedObservationTypes cannot be true in mode v2/],
    [{ maxBodyBytes: 0 }, /maxBodyBytes/],
  ])('rejects %o', async (options, message) => {
    await expect(startReceiver(options)).rejects.toThrow(message);
  });

  it('rejects when the port is taken', async () => {
    const first = await startReceiver();
    try {
      await expect(startReceiver({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
