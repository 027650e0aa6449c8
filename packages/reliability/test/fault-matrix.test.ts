import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioResult } from './fault-scenario.js';
import { freePort, guardSuite, recordFigures, startReceiver, sum, useSuiteReceiver } from './harness.js';
import type { FaultStep } from '@otel-langfuse/receiver';

const SUITE = 'faults';
const guard = guardSuite(SUITE);
const receiver = useSuiteReceiver();

function figures(name: string, faults: string, result: ScenarioResult, note?: string): void {
  const deadLettered = result.drops.events.length;
  recordFigures({
    suite: SUITE,
    case: name,
    faults,
    events: result.stats.eventsSent + deadLettered,
    stored: result.stored.length,
    duplicated: 0,
    deadLettered,
    lost: result.lost.length,
    ...(note ? { note } : {}),
  });
}

const observations = (result: ScenarioResult) => result.stored.filter((e) => e.type !== 'trace-create');

describe('transient faults: every event is delivered exactly once', () => {
  it.each([500, 502, 503, 504])('a burst of %i answers within the retry budget', async (status) => {
    const faults: FaultStep[] = [{ status, times: 3 }];
    const result = await runScenario({ receiver: receiver(), faults });
    expect(observations(result)).toHaveLength(8);
    expect(result.drops.events).toHaveLength(0);
    expect(result.stats.retries).toBe(3);
    figures(`${status} burst`, `${status} ×3`, result);
  });

  it('429 with Retry-After in seconds waits as told', async () => {
    const result = await runScenario({ receiver: receiver(), faults: [{ status: 429, headers: { 'retry-after': '1' } }] });
    const [first, second] = receiver().requests();
    expect(Date.parse(second!.time) - Date.parse(first!.time)).toBeGreaterThanOrEqual(900);
    expect(observations(result)).toHaveLength(8);
    expect(result.stats.retries).toBe(1);
    figures('429 Retry-After: 1', '429 + Retry-After seconds', result);
  });

  it('429 with Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 2_000).toUTCString();
    const result = await runScenario({ receiver: receiver(), faults: [{ status: 429, headers: { 'retry-after': at } }] });
    expect(observations(result)).toHaveLength(8);
    expect(result.stats.retries).toBe(1);
    const [first, second] = receiver().requests();
    expect(Date.parse(second!.time)).toBeGreaterThan(Date.parse(first!.time));
    figures('429 Retry-After: <date>', '429 + Retry-After HTTP date', result);
  });

  it('a connection reset mid-request is retried and delivered once', async () => {
    const result = await runScenario({ receiver: receiver(), faults: [{ destroy: true, times: 2 }] });
    expect(observations(result)).toHaveLength(8);
    expect(result.stats.retries).toBeGreaterThanOrEqual(2);
    figures('connection reset', 'socket destroyed ×2', result);
  });

  it('413 splits the batch and delivers the halves', async () => {
    const result = await runScenario({ receiver: receiver(), faults: [{ status: 413, body: 'Request Entity Too Large' }] });
    expect(observations(result)).toHaveLength(8);
    expect(receiver().requests().filter((r) => r.status === 413)).toHaveLength(1);
    figures('413 once', '413 ×1 (split)', result);
  });

  it('207 with a per-event 500 resends only that event', async () => {
    const flaky = { status: 500, message: 'Internal', match: (e: unknown) => (e as { type?: string }).type === 'span-create' && (e as { body: { name?: string } }).body.name === 'child-1' };
    const result = await runScenario({ receiver: receiver(), faults: [{ eventErrors: flaky }] });
    expect(observations(result)).toHaveLength(8);
    expect(receiver().requests()[1]?.eventCount).toBe(1);
    figures('207 per-event 500', '207 with one event 500', result);
  });
});

describe('faults that outlast the retry budget: counted, dead-lettered, nothing thrown', () => {
  it('5xx until the retries run out', async () => {
    const result = await runScenario({ receiver: receiver(), faults: [{ status: 503, times: 20 }], setup: { maxRetries: 2 } });
    expect(result.stored).toHaveLength(0);
    expect(result.stats.eventsDropped).toEqual({ 'retries-exhausted': result.drops.events.length });
    expect(result.drops.byReason()).toEqual({ 'retries-exhausted': result.drops.events.length });
    expect(result.fileRecords.every((r) => r['reason'] === 'retries-exhausted' && r['path'] === 'ingestion')).toBe(true);
    figures('503 beyond retries', '503 ×20, maxRetries 2', result);
  });

  it('a hang past the export deadline', async () => {
    const result = await runScenario({
      receiver: receiver(),
      faults: [{ hang: true, times: 50 }],
      setup: { requestTimeoutMs: 300, exportTimeoutMs: 1_200, circuitBreakerThreshold: 0 },
    });
    expect(result.stored).toHaveLength(0);
    const reasons = Object.keys(result.stats.eventsDropped);
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(['deadline', 'timeout']).toContain(reason);
    figures('hang past the deadline', 'no answer, exportTimeoutMs 1.2 s', result);
  });

  it('413 for a single event is final', async () => {
    const result = await runScenario({ receiver: receiver(), faults: [{ status: 413, times: 20 }], traces: 1 });
    expect(result.stored).toHaveLength(0);
    expect(Object.keys(result.stats.eventsRejected)).toEqual(['http-413']);
    expect(result.drops.byReason()).toEqual({ 'http-413': result.drops.events.length });
    figures('413 always', '413 ×20 (single events)', result);
  });

  it('207 with a per-event 400: the rest is stored, the bad one dead-lettered', async () => {
    const bad = { status: 400, message: 'Invalid input', match: (e: unknown) => (e as { body: { name?: string } }).body.name === 'child-2' };
    const result = await runScenario({ receiver: receiver(), faults: [{ eventErrors: bad }] });
    expect(observations(result)).toHaveLength(7);
    expect(result.stats.eventsRejected).toEqual({ 'event-400': 1 });
    expect(result.drops.events.map((e) => e.body.id)).toEqual(result.produced.filter((_, i) => i === 5));
    figures('207 per-event 400', '207 with one event 400', result);
  });

  it.each([401, 403])('%i: not retried, one diagnostic, dead-lettered', async (status) => {
    const mark = guard.logs().lines.length;
    const result = await runScenario({ receiver: receiver(), faults: [{ status, body: { message: 'nope' }, times: 5 }] });
    expect(result.stored).toHaveLength(0);
    expect(result.stats.requests).toBe(1);
    expect(result.stats.eventsRejected).toEqual({ [`http-${status}`]: result.drops.events.length });
    expect(guard.since(mark).filter((l) => l.level === 'error' && l.message.includes(`refused the request with ${status}`))).toHaveLength(1);
    figures(`${status}`, `${status} ×5`, result);
  });

  it('connection refused, then the receiver back on the same port: later exports are delivered', async () => {
    const port = await freePort();
    const down = await runScenario({ receiver: receiver(), baseUrl: `http://127.0.0.1:${port}`, setup: { maxRetries: 1 } });
    // The real cause on every Node line (Node >= 24.20 also reports the socket closing before it connected).
    expect(Object.keys(down.stats.eventsDropped)).toEqual(['network-ECONNREFUSED']);
    expect(down.drops.events.length).toBe(sum(down.stats.eventsDropped));
    figures('connection refused', 'nothing listening', down);

    const back = await startReceiver({ port });
    try {
      const up = await runScenario({ receiver: back, setup: { maxRetries: 1 } });
      expect(up.stored.filter((e) => e.type !== 'trace-create')).toHaveLength(8);
      expect(up.drops.events).toHaveLength(0);
      figures('receiver back', 'same port, listening again', up);
    } finally {
      await back.close();
    }
  });

  it('DNS failure for a host that never resolves (.invalid)', async () => {
    const mark = guard.logs().lines.length;
    const result = await runScenario({ receiver: receiver(), baseUrl: 'http://langfuse.invalid', setup: { maxRetries: 1 } });
    // ENOTFOUND from a resolver that answers, EAI_AGAIN where none is reachable.
    expect(Object.keys(result.stats.eventsDropped)).toEqual([expect.stringMatching(/^network-(ENOTFOUND|EAI_AGAIN)$/)]);
    expect(receiver().stats().requests).toBe(0);
    expect(guard.since(mark).filter((l) => l.message.includes('could not reach'))).toHaveLength(1);
    figures('DNS failure', 'http://langfuse.invalid', result);
  });
});
