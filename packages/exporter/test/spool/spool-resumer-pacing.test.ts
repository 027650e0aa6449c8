import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { CircuitBreaker } from '../../src/delivery/http/circuit-breaker.js';
import { ComponentLogger } from '../../src/diagnostics/component-logger.js';
import { ReplaySender } from '../../src/replay/replay-sender.js';
import { emptySpoolCounters } from '../../src/spool/spool-counters.js';
import { frameRecord } from '../../src/spool/spool-record.js';
import { SpoolResumer } from '../../src/spool/spool-resumer.js';

const PUBLIC = 'pk-lf-resumer-pacing';
const SECRET = 'sk-lf-resumer-pacing-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A spool directory with one sealed segment of `n` legacy events (score-create: any server mode takes them). */
function spoolWith(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'resumer-pacing-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const time = new Date().toISOString();
  const lines = Array.from({ length: n }, (_, i) =>
    frameRecord(JSON.stringify({ v: 1, time, reason: 'circuit-open', path: 'ingestion', event: { id: `s-${i}`, timestamp: time, type: 'score-create', body: { id: `s-${i}`, name: 'q', value: i, traceId: 'a'.repeat(32) } } })),
  );
  writeFileSync(join(dir, 'seg-000001700000000-1-000001.spool'), lines.join(''));
  return dir;
}

async function setup(dir: string, circuit: CircuitBreaker | undefined) {
  const receiver: TestReceiver = await startTestReceiver({ publicKey: PUBLIC, secretKey: SECRET, ui: false });
  cleanups.push(() => receiver.close());
  const log = new ComponentLogger('test');
  const sender = new ReplaySender({ baseUrl: receiver.url, publicKey: PUBLIC, secretKey: SECRET, timeoutMs: 5_000, maxRetries: 0, maxBatchBytes: 1_000_000, maxSockets: 1 }, log);
  const counters = emptySpoolCounters();
  const resumer = new SpoolResumer({ dir, writer: undefined, counters, log, sender, canSend: () => !circuit?.refusesNow(), ...(circuit && { circuit }), tickMs: 25, chunkRecords: 10, dutyCycle: 1 });
  cleanups.push(() => resumer.stop());
  return { receiver, counters, resumer };
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the spool resumer: pacing', () => {
  it("a refusal with Retry-After holds every resend until it has passed, even with the resumer's own back-off shorter", async () => {
    const dir = spoolWith(30);
    const { receiver, counters, resumer } = await setup(dir, undefined);
    receiver.faults.push({ status: 429, headers: { 'retry-after': '2' }, times: 1 });
    resumer.start();
    await until(() => counters.resumed === 30);
    const times = receiver.requests().map((r) => [Date.parse(r.time), r.status] as const);
    expect(times.map(([, status]) => status)).toEqual([429, 207, 207, 207]);
    // Server arrival times: a lower bound a slow machine cannot break (the back-off alone would resend after 1 s).
    expect(times[1]![0] - times[0]![0]).toBeGreaterThanOrEqual(1_990);
    await until(() => readdirSync(dir).filter((n) => n.endsWith('.spool')).length === 0);
  });

  it('with the circuit open, the resend is its probe: told to the breaker, which closes on success; no request before the cool-down', async () => {
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 300, maxCooldownMs: 300 }, new ComponentLogger('test'));
    const dir = spoolWith(20);
    const { receiver, counters, resumer } = await setup(dir, breaker);
    breaker.record('failure', false, 'http-503');
    const openedAt = Date.now();
    expect(breaker.state).toBe('open');
    resumer.start();
    await until(() => counters.resumed === 20);
    expect(breaker.state).toBe('closed');
    expect(breaker.opened).toBe(1);
    const first = Date.parse(receiver.requests()[0]!.time);
    expect(first - openedAt).toBeGreaterThanOrEqual(290);
    expect(receiver.requests().map((r) => r.status)).toEqual([207, 207]);
  });

  it('a failed probe opens the circuit again (the breaker paces the next attempt, doubling its cool-down)', async () => {
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 200, maxCooldownMs: 10_000 }, new ComponentLogger('test'));
    const dir = spoolWith(10);
    const { receiver, counters, resumer } = await setup(dir, breaker);
    receiver.faults.push({ status: 503, times: 1 });
    breaker.record('failure', false, 'http-503');
    resumer.start();
    await until(() => counters.resumed === 10);
    expect(breaker.opened).toBe(2);
    expect(breaker.state).toBe('closed');
    const [failed, next] = receiver.requests().map((r) => Date.parse(r.time));
    // The second cool-down is twice the first.
    expect(next! - failed!).toBeGreaterThanOrEqual(390);
  });
});
