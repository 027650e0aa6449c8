import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { scoreCreate, spanCreate, traceCreate } from './event-builders.js';
import { ingest, postBatch } from './ingestion-client.js';
import { postOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpProtobuf } from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';

describe('fault injection', () => {
  const receiver = useReceiver();

  it('answers a scripted status with its headers, stores nothing, then goes back to normal', async () => {
    receiver().faults.push({ status: 429, headers: { 'Retry-After': '2', 'X-RateLimit-Remaining': '0' } });
    const limited = await postBatch(receiver(), [traceCreate()]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await limited.json()) as { message: string }).message).toBe('Too Many Requests');
    expect(receiver().events()).toEqual([]);

    const normal = await ingest(receiver(), [traceCreate()]);
    expect(normal.successes).toHaveLength(1);
    expect(receiver().events()).toHaveLength(1);
    expect(receiver().requests().map((record) => [record.status, record.fault])).toEqual([
      [429, 'status'],
      [207, undefined],
    ]);
  });

  it('applies a step `times` requests in a row and steps in order ("503 twice, then 500, then normal")', async () => {
    receiver().faults.push({ status: 503, times: 2 }, { status: 500, body: 'boom' });
    expect(receiver().faults.pending()).toBe(3);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postBatch(receiver(), [traceCreate()])).status);
    expect(statuses).toEqual([503, 503, 500, 207]);
    expect(receiver().faults.pending()).toBe(0);
    expect(receiver().stats()).toMatchObject({ requests: 4, eventsReceived: 1 });
  });

  it('sends a string body as text and an object body as JSON', async () => {
    receiver().faults.push({ status: 403, body: 'usage threshold exceeded' }, { status: 401, body: { message: 'org key' } });
    const text = await postBatch(receiver(), [traceCreate()]);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe('usage threshold exceeded');
    const json = await postBatch(receiver(), [traceCreate()]);
    expect(await json.json()).toEqual({ message: 'org key' });
  });

  it('consumes steps only on ingestion requests', async () => {
    receiver().faults.push({ status: 503 });
    expect((await fetch(`${receiver().url}/api/public/health`)).status).toBe(200);
    expect((await postBatch(receiver(), [traceCreate()])).status).toBe(503);
  });

  it('clear() drops the rest of the script', async () => {
    receiver().faults.push({ status: 503, times: 5 });
    receiver().faults.clear();
    expect(receiver().faults.pending()).toBe(0);
    expect((await postBatch(receiver(), [traceCreate()])).status).toBe(207);
  });

  it('rejects malformed steps without changing the script', () => {
    receiver().faults.push({ status: 503 });
    expect(() => receiver().faults.push({ status: 502 }, { status: 1000 })).toThrow(/status/);
    expect(() => receiver().faults.push({ delayMs: -1 })).toThrow(/delayMs/);
    expect(() => receiver().faults.push({ status: 503, times: 0 })).toThrow(/times/);
    expect(() => receiver().faults.push({ hang: false } as never)).toThrow(/unknown fault step/);
    expect(receiver().faults.pending()).toBe(1);
  });

  it('delays the answer of a normally processed request', async () => {
    receiver().faults.push({ delayMs: 300 });
    const started = Date.now();
    const reply = await ingest(receiver(), [traceCreate()]);
    // Only a lower bound: a timer never fires much before its time, however slow the machine.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(reply.successes).toHaveLength(1);
    expect(receiver().events()).toHaveLength(1);
    expect(receiver().requests()[0]?.fault).toBe('delay');
  });

  it('hangs a request without answering, and close() still ends it', async () => {
    receiver().faults.push({ hang: true });
    const hung = postBatch(receiver(), [traceCreate()]).then(
      (response) => ({ answered: response.status }),
      (error: unknown) => ({ failed: error }),
    );
    const first = await Promise.race([hung, sleep(500).then(() => 'no answer yet' as const)]);
    expect(first).toBe('no answer yet');
    expect(receiver().requests()).toMatchObject([{ status: null, fault: 'hang' }]);
    expect(receiver().events()).toEqual([]);

    await receiver().close();
    const outcome = await hung;
    expect(outcome).toHaveProperty('failed');
  });

  it('close() does not wait for a pending delay', async () => {
    receiver().faults.push({ delayMs: 60_000 });
    const delayed = postBatch(receiver(), [traceCreate()]).catch((error: unknown) => error);
    await receiver().waitForEvents((events) => events.length === 1, 10_000);
    await receiver().close();
    expect(await delayed).toBeInstanceOf(Error);
  });

  it('resets the connection for a destroy step: fetch fails', async () => {
    receiver().faults.push({ destroy: true });
    await expect(postBatch(receiver(), [traceCreate()])).rejects.toThrow(/fetch failed/);
    expect(receiver().events()).toEqual([]);
    expect(receiver().requests()).toMatchObject([{ status: null, fault: 'destroy' }]);
    expect((await postBatch(receiver(), [traceCreate()])).status).toBe(207);
  });

  it('gives matching events a per-event error and stores the others', async () => {
    receiver().faults.push({
      eventErrors: {
        status: 500,
        message: 'transient',
        match: (event) => (event as { type?: string }).type === 'span-create',
      },
    });
    const trace = traceCreate();
    const span = spanCreate();
    const score = scoreCreate();
    const reply = await ingest(receiver(), [trace, span, score]);
    expect(reply.errors).toEqual([{ id: span.id, status: 500, message: 'transient', error: expect.any(String) }]);
    expect(reply.successes.map((item) => item.id)).toEqual([trace.id, score.id]);
    expect(receiver().events()).toEqual([trace, score]);

    // The same span retried after the script is exhausted is stored.
    const retry = await ingest(receiver(), [span]);
    expect(retry.successes).toEqual([{ id: span.id, status: 201 }]);
    expect(receiver().events()).toEqual([trace, score, span]);
  });

  it('gives every event the error when no match is given', async () => {
    receiver().faults.push({ eventErrors: { status: 400 } });
    const reply = await ingest(receiver(), [traceCreate(), spanCreate()]);
    expect(reply.successes).toEqual([]);
    expect(reply.errors.map((item) => item.status)).toEqual([400, 400]);
    expect(receiver().stats()).toMatchObject({ eventsRejected: 2, eventsAccepted: 0 });
  });
});

describe('fault injection on the OTLP path', () => {
  const receiver = useReceiver();
  const body = (): Uint8Array => toOtlpProtobuf({ spans: [simpleSpan()] });

  it('shares one script with the legacy path: each step goes to whichever ingestion request comes next', async () => {
    receiver().faults.push({ status: 429, headers: { 'Retry-After': '1' } }, { status: 503 }, { status: 500 });
    const otlp = await postOtlp(receiver(), body());
    expect(otlp.status).toBe(429);
    expect(otlp.headers.get('retry-after')).toBe('1');
    expect((await postBatch(receiver(), [traceCreate()])).status).toBe(503);
    expect((await postOtlp(receiver(), body())).status).toBe(500);
    expect((await postOtlp(receiver(), body())).status).toBe(200);
    expect(receiver().requests().map((record) => [record.endpoint, record.status, record.fault])).toEqual([
      ['otlp', 429, 'status'],
      ['ingestion', 503, 'status'],
      ['otlp', 500, 'status'],
      ['otlp', 200, undefined],
    ]);
    expect(receiver().stats()).toMatchObject({ otlpRequests: 3, otlpSpans: 1 });
    expect(receiver().eventsOfType('span-create')).toHaveLength(1);
  });

  it('consumes an eventErrors step on an OTLP request without effect (OTLP has no per-event results)', async () => {
    receiver().faults.push({ eventErrors: { status: 500 } });
    expect((await postOtlp(receiver(), body())).status).toBe(200);
    expect(receiver().faults.pending()).toBe(0);
    expect(receiver().requests()[0]?.fault).toBe('eventErrors');
    expect(receiver().eventsOfType('span-create')).toHaveLength(1);
    // The step is gone: the next legacy batch is processed normally.
    const reply = await ingest(receiver(), [traceCreate()]);
    expect(reply.errors).toEqual([]);
  });

  it('delays, and resets the connection of, OTLP requests', async () => {
    receiver().faults.push({ delayMs: 300 }, { destroy: true });
    const started = Date.now();
    expect((await postOtlp(receiver(), body())).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const before = receiver().events().length;
    await expect(postOtlp(receiver(), body())).rejects.toThrow(/fetch failed/);
    expect(receiver().events()).toHaveLength(before);
  });
});
