import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type CapturedDiag } from '@otel-langfuse/test-support';
import { verdictOf, BreakerTransport } from '../src/delivery/http/breaker-transport.js';
import { CircuitBreaker } from '../src/delivery/http/circuit-breaker.js';
import { ComponentLogger } from '../src/diagnostics/component-logger.js';
import type { RequestSender, SendOptions, TransportResult } from '../src/delivery/http/http-transport.js';

let logs: CapturedDiag;
beforeEach(() => {
  logs = captureDiag();
});
afterEach(() => logs.restore());

function breaker(threshold = 3, cooldownMs = 1_000, maxCooldownMs = 4_000) {
  const clock = { now: 0 };
  const b = new CircuitBreaker({ threshold, cooldownMs, maxCooldownMs, now: () => clock.now }, new ComponentLogger('test'));
  return { b, clock };
}

const fail = (b: CircuitBreaker, probe = false) => b.record('failure', probe, 'network ECONNREFUSED');

describe('CircuitBreaker', () => {
  it('opens after `threshold` consecutive failures; a success in between starts the count again', () => {
    const { b } = breaker(3);
    fail(b);
    fail(b);
    b.record('success', false);
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
    expect(b.admit()).toBe('send');
    fail(b);
    expect(b.state).toBe('open');
    expect(b.refusesNow()).toBe(true);
    expect(b.admit()).toBe('reject');
    expect(b.opened).toBe(1);
  });

  it('lets exactly one probe through after the cool-down; success closes and resets the cool-down', () => {
    const { b, clock } = breaker(1, 1_000);
    fail(b);
    clock.now = 999;
    expect(b.admit()).toBe('reject');
    clock.now = 1_000;
    expect(b.refusesNow()).toBe(false);
    expect(b.admit()).toBe('probe');
    expect(b.state).toBe('half-open');
    expect(b.refusesNow()).toBe(true);
    expect(b.admit()).toBe('reject');
    b.record('success', true);
    expect(b.state).toBe('closed');
    expect(b.admit()).toBe('send');
    fail(b);
    clock.now += 1_000; // the cool-down is back to the first one
    expect(b.admit()).toBe('probe');
  });

  it('a failed probe opens again for twice as long, capped', () => {
    const { b, clock } = breaker(1, 1_000, 3_000);
    fail(b);
    const cooldowns: number[] = [];
    for (let i = 0; i < 4; i++) {
      const opened = clock.now;
      while (b.admit() === 'reject') clock.now += 100;
      if (i > 0) cooldowns.push(clock.now - opened);
      fail(b, true);
    }
    expect(cooldowns).toEqual([2_000, 3_000, 3_000]);
    expect(b.opened).toBe(5);
  });

  it('ignores neutral verdicts and late failures while open; any success closes', () => {
    const { b, clock } = breaker(1);
    b.record('neutral', false);
    expect(b.state).toBe('closed');
    fail(b);
    fail(b); // a request from before the opening, failing late
    expect(b.opened).toBe(1);
    clock.now = 10;
    b.record('success', false); // a request from before the opening, succeeding late
    expect(b.state).toBe('closed');
  });

  it('a probe that ends neutral (shutdown) gives its slot back', () => {
    const { b, clock } = breaker(1);
    fail(b);
    clock.now = 1_000;
    expect(b.admit()).toBe('probe');
    b.record('neutral', true);
    expect(b.admit()).toBe('probe');
  });

  it('threshold 0 turns it off', () => {
    const { b } = breaker(0);
    for (let i = 0; i < 100; i++) fail(b);
    expect(b.state).toBe('closed');
    expect(b.admit()).toBe('send');
  });

  it('says each state change once, not each refusal', () => {
    const { b, clock } = breaker(2, 1_000);
    fail(b);
    fail(b);
    for (let i = 0; i < 50; i++) b.admit();
    clock.now = 1_000;
    b.admit();
    fail(b, true);
    clock.now = 3_000;
    b.admit();
    b.record('success', true);
    const lines = logs.lines.filter((l) => l.message.includes('circuit')).map((l) => `${l.level} ${l.message}`);
    expect(lines.filter((l) => l.startsWith('warn') && l.includes('circuit open:'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('open again'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('info') && l.includes('circuit closed'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('half-open'))).toHaveLength(2);
    expect(lines).toHaveLength(5);
  });
});

describe('BreakerTransport', () => {
  const response = (status: number): TransportResult => ({ kind: 'response', status, headers: {}, body: '' });
  const error = (reason: 'timeout' | 'deadline' | 'network' | 'shutdown'): TransportResult => ({ kind: 'error', reason, code: 'X', message: 'x' });

  it('judges results: unreachable or exhausted retryable answers fail; any other answer is a success', () => {
    expect(verdictOf(response(200))).toBe('success');
    expect(verdictOf(response(207))).toBe('success');
    expect(verdictOf(response(401))).toBe('success');
    expect(verdictOf(response(413))).toBe('success');
    for (const status of [408, 429, 500, 503, 599]) expect(verdictOf(response(status))).toBe('failure');
    for (const reason of ['timeout', 'deadline', 'network'] as const) expect(verdictOf(error(reason))).toBe('failure');
    expect(verdictOf(error('shutdown'))).toBe('neutral');
  });

  it('refuses without sending while open, and sends the probe as a single attempt', async () => {
    const sent: (SendOptions | undefined)[] = [];
    let answer = response(503);
    const inner: RequestSender = {
      send: async (_body, _deadline, options) => {
        sent.push(options);
        return answer;
      },
    };
    const { b, clock } = breaker(1);
    const transport = new BreakerTransport(inner, b);
    await transport.send('x', Number.MAX_SAFE_INTEGER);
    expect(b.state).toBe('open');
    const refused = await transport.send('x', Number.MAX_SAFE_INTEGER);
    expect(refused).toMatchObject({ kind: 'error', reason: 'circuit-open' });
    expect(sent).toHaveLength(1);
    clock.now = 1_000;
    answer = response(200);
    await transport.send('x', Number.MAX_SAFE_INTEGER);
    expect(sent[1]).toEqual({ singleAttempt: true });
    expect(b.state).toBe('closed');
  });
});
