import type { ScoreCreateEvent } from '../wire/ingestion-event.js';

export interface ScoreQueueOptions {
  /** Scores held at most; more are refused (counted by the caller). */
  maxQueued: number;
  /** Send as soon as this many are queued. */
  flushAt: number;
  /** Otherwise send this long after the first queued score. */
  flushIntervalMs: number;
  send: (scores: ScoreCreateEvent[]) => Promise<void>;
}

/**
 * Scores wait here briefly so that many become one request. Bounded; the timer is unref'd (it never keeps the
 * process alive), so `flush()` (called by the exporter's forceFlush and shutdown) is what guarantees delivery.
 */
export class ScoreQueue {
  private queued: ScoreCreateEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ScoreQueueOptions) {}

  get size(): number {
    return this.queued.length;
  }

  /** False when the queue is full. */
  add(score: ScoreCreateEvent): boolean {
    if (this.queued.length >= this.options.maxQueued) return false;
    this.queued.push(score);
    if (this.queued.length >= this.options.flushAt) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
    return true;
  }

  /** Sends what is queued now; resolves when that send has settled. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    await this.options.send(batch);
  }
}
