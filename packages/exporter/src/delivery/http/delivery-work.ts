/** Why our own side ended work: the exporter was shut down, or a flush's deadline passed. */
export type AbortReason = 'shutdown' | 'flush-deadline';

/** What a transport tells the work that has sent through it. */
export interface AbortSource {
  /** Why work begun at `moment` may not go on (a shutdown, or an abort since then), if it may not. */
  endedSince(moment: number): AbortReason | undefined;
  /** Calls `listener` at the next abort or shutdown; returns the function that stops listening. */
  onAbort(listener: (reason: AbortReason) => void): () => void;
}

/**
 * What a transport (or the media uploader) has ended so far, for the work that sends through it to ask: a flush's
 * deadline ends the work begun before that flush, a shutdown ends all of it.
 */
export class AbortLedger implements AbortSource {
  private abortedAt = 0;
  private shutDown = false;
  private readonly listeners = new Set<(reason: AbortReason) => void>();

  get isShutDown(): boolean {
    return this.shutDown;
  }

  /** A flush's deadline passed: the work begun before `before` (the moment that flush began) ends. */
  abortBefore(before: number): void {
    this.abortedAt = Math.max(this.abortedAt, before);
    this.tell('flush-deadline');
  }

  shutdown(): void {
    this.shutDown = true;
    this.tell('shutdown');
  }

  endedSince(moment: number): AbortReason | undefined {
    if (this.shutDown) return 'shutdown';
    return this.abortedAt > moment ? 'flush-deadline' : undefined;
  }

  onAbort(listener: (reason: AbortReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(reason: AbortReason): void {
    for (const listener of [...this.listeners]) listener(reason);
  }
}

let lastMoment = 0;

/** The next point in one order of work begun and aborts: a counter, so no two are equal (a clock's could tie). */
export function nextMoment(): number {
  return ++lastMoment;
}

/**
 * The requests and waits of one delivery (its batches, its retry rounds), so that a flush deadline or a shutdown
 * ends all of it, not only the requests on the wire at that moment: a transport refuses a request of work begun
 * before its latest abort, and a wait between requests ends at the abort.
 */
export class DeliveryWork {
  readonly begun = nextMoment();
  private readonly sources = new Set<AbortSource>();

  /** Called by a transport this work sends through. */
  uses(source: AbortSource): void {
    this.sources.add(source);
  }

  /** Why the work must stop (a transport it used was aborted or shut down since it began), if it must. */
  ended(): AbortReason | undefined {
    for (const source of this.sources) {
      const reason = source.endedSince(this.begun);
      if (reason) return reason;
    }
    return undefined;
  }

  /**
   * Waits `ms`, unless a transport this work used is aborted or shut down first: then it resolves at once, with why.
   * The timer is ref'd, like got's own wait between attempts: a delivery still under way keeps the process alive
   * (the exit flush relies on it), and an abort or shutdown ends the wait, so nothing of ours outlives them.
   */
  wait(ms: number): Promise<AbortReason | undefined> {
    const already = this.ended();
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const stops: (() => void)[] = [];
      const finish = (reason?: AbortReason) => {
        clearTimeout(timer);
        for (const stop of stops) stop();
        resolve(reason);
      };
      const timer = setTimeout(finish, ms);
      // An abort ends this wait only when it covers this work (a flush's deadline ends the work begun before that flush).
      const onAbort = () => {
        const reason = this.ended();
        if (reason) finish(reason);
      };
      for (const source of this.sources) stops.push(source.onAbort(onAbort));
    });
  }
}
