import type { ComponentLogger } from '../../diagnostics/component-logger.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failed requests (after their retries) that open the circuit; 0 turns the breaker off. */
  threshold: number;
  /** First cool-down; doubled after each failed probe, up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
  now?: () => number;
}

/** What the breaker says about the next request. */
export type Admission = 'send' | 'probe' | 'reject';

/** How a request that was sent ended, for the breaker: `neutral` (aborted by shutdown) counts neither way. */
export type RequestVerdict = 'success' | 'failure' | 'neutral';

/**
 * Stops hitting a server that keeps failing. Closed: every request goes out; after `threshold` consecutive failures
 * (network errors, timeouts, 408/429/5xx once retries ran out) it opens. Open: requests are refused at once (their
 * events are dropped as `circuit-open`) until the cool-down ends. Then one probe request goes out (half-open): success
 * closes the circuit, failure opens it again for twice as long (capped). Any success closes it. Each state change
 * is logged once, never each refused export.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private openedAt = 0;
  private cooldown: number;
  private probeInFlight = false;
  private timesOpened = 0;
  private readonly now: () => number;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly log: ComponentLogger,
  ) {
    this.cooldown = options.cooldownMs;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** How many times the circuit has opened (a failed probe re-opening it included). */
  get opened(): number {
    return this.timesOpened;
  }

  /** True when a whole export should be refused without any work: open and cooling down, or a probe is out. */
  refusesNow(): boolean {
    if (this.current === 'open') return this.now() < this.openUntil;
    return this.current === 'half-open' && this.probeInFlight;
  }

  /** Call before each request; a `probe` must be sent as a single attempt and its verdict recorded. */
  admit(): Admission {
    if (this.current === 'closed') return 'send';
    if (this.current === 'open' && this.now() < this.openUntil) return 'reject';
    if (this.probeInFlight) return 'reject';
    if (this.current === 'open') {
      this.current = 'half-open';
      this.log.debug(`circuit half-open: sending one probe request to see whether Langfuse is back`);
    }
    this.probeInFlight = true;
    return 'probe';
  }

  /** Call after each request that was sent. `reason` names the failure for the log line. */
  record(verdict: RequestVerdict, probe: boolean, reason = 'failure'): void {
    if (probe) this.probeInFlight = false;
    if (this.options.threshold <= 0 || verdict === 'neutral') return;
    if (verdict === 'success') {
      this.failures = 0;
      if (this.current !== 'closed') this.close();
      return;
    }
    if (this.current === 'closed') {
      this.failures++;
      if (this.failures >= this.options.threshold) this.open(reason, false);
    } else if (probe) {
      this.cooldown = Math.min(this.cooldown * 2, this.options.maxCooldownMs);
      this.open(reason, true);
    }
  }

  private open(reason: string, afterProbe: boolean): void {
    const now = this.now();
    if (!afterProbe) this.openedAt = now;
    this.current = 'open';
    this.openUntil = now + this.cooldown;
    this.timesOpened++;
    const pause = `${Math.round(this.cooldown / 100) / 10} s`;
    if (afterProbe) {
      this.log.debug(`circuit open again: the probe failed (${reason}); next probe in ${pause}`);
    } else {
      this.log.warn(
        `circuit open: ${this.failures} consecutive requests to Langfuse failed (last: ${reason}); not sending for ${pause}, then probing. Spans are dropped meanwhile (stats().eventsDropped['circuit-open']; dead-lettered when configured).`,
      );
    }
  }

  private close(): void {
    const seconds = Math.round((this.now() - this.openedAt) / 100) / 10;
    this.current = 'closed';
    this.cooldown = this.options.cooldownMs;
    this.failures = 0;
    this.log.info(`circuit closed: Langfuse answers again after ${seconds} s; delivering spans again`);
  }
}
