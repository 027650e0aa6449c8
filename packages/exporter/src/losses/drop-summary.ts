import type { ComponentLogger } from '../diagnostics/component-logger.js';

export interface DropSummaryOptions {
  /** At most one line per interval. */
  intervalMs: number;
  now?: () => number;
  /** A timer that must not keep the process alive (the default is an unref'd setTimeout). */
  schedule?: (fn: () => void, ms: number) => { cancel(): void };
}

const unrefTimer = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
};

/** A quiet moment before the first line after a calm period, so a burst is told in one line rather than two. */
const FIRST_LINE_DELAY_MS = 1_000;

/**
 * The one periodic line about what was not delivered: at most one per interval, only when something was dropped or
 * rejected since the previous line, e.g. `not delivered in the last 60 s: 1200 dropped (1000 circuit-open, 200
 * network-ECONNREFUSED); totals since start in stats().eventsDropped`. Each problem's first occurrence is explained by its own one-time
 * diagnostic; this line keeps the count visible without a log storm.
 */
export class DropSummary {
  private dropped = new Map<string, number>();
  private rejected = new Map<string, number>();
  private lastLineAt: number;
  /** When the first drop told in the next line happened. */
  private windowStart: number | undefined;
  private timer: { cancel(): void } | undefined;
  private readonly now: () => number;
  private readonly schedule: NonNullable<DropSummaryOptions['schedule']>;

  constructor(
    private readonly options: DropSummaryOptions,
    private readonly log: ComponentLogger,
    /** Extra words for the line, e.g. how many were dead-lettered so far. */
    private readonly suffix: () => string = () => '',
  ) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? unrefTimer;
    this.lastLineAt = this.now() - options.intervalMs;
  }

  drop(reason: string, count: number): void {
    this.note(this.dropped, reason, count);
  }

  reject(reason: string, count: number): void {
    this.note(this.rejected, reason, count);
  }

  /** Writes the line now if there is anything to say (at shutdown), and stops the timer. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.writeLine();
  }

  private note(into: Map<string, number>, reason: string, count: number): void {
    if (count <= 0) return;
    this.windowStart ??= this.now();
    into.set(reason, (into.get(reason) ?? 0) + count);
    if (this.timer !== undefined) return;
    const wait = Math.max(FIRST_LINE_DELAY_MS, this.lastLineAt + this.options.intervalMs - this.now());
    this.timer = this.schedule(() => {
      this.timer = undefined;
      this.writeLine();
    }, wait);
  }

  private writeLine(): void {
    const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
    const dropped = total(this.dropped);
    const rejected = total(this.rejected);
    if (dropped + rejected === 0) return;
    const list = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${reason}`).join(', ');
    const parts: string[] = [];
    if (dropped > 0) parts.push(`${dropped} dropped (${list(this.dropped)})`);
    if (rejected > 0) parts.push(`${rejected} rejected by the server (${list(this.rejected)})`);
    const seconds = Math.max(1, Math.round((this.now() - (this.windowStart ?? this.now())) / 1000));
    const suffix = this.suffix();
    const totals = [dropped > 0 ? 'stats().eventsDropped' : '', rejected > 0 ? 'stats().eventsRejected' : ''].filter(Boolean).join(' and ');
    this.log.warn(`not delivered in the last ${seconds} s: ${parts.join('; ')}${suffix ? `; ${suffix}` : ''}; totals since start in ${totals}`);
    this.dropped = new Map();
    this.rejected = new Map();
    this.lastLineAt = this.now();
    this.windowStart = undefined;
  }
}
