/** A deadline for `forceFlush` / `shutdown`: how long the caller is willing to wait, in milliseconds. */
export interface FlushOptions {
  /** Resolve by then at the latest; what is still being sent is aborted, counted and dead-lettered. */
  timeoutMs?: number;
}

/** Of a flush's time, the part kept for counting and dead-lettering what the abort at its end gave up on. */
const ABORT_GRACE_MS = 250;

/** The caller's deadline when it is a usable number, else `fallbackMs`. */
export function timeoutOf(options: FlushOptions | undefined, fallbackMs: number): number {
  const given = options?.timeoutMs;
  return typeof given === 'number' && Number.isFinite(given) && given >= 0 ? given : fallbackMs;
}

/** How a flush of `timeoutMs` is split: waiting for the work, then (after an abort) for its accounting. */
export function splitDeadline(timeoutMs: number): { waitMs: number; graceMs: number } {
  const graceMs = Math.min(ABORT_GRACE_MS, timeoutMs / 2);
  return { waitMs: timeoutMs - graceMs, graceMs };
}

/** Resolves true when `promise` settles within `ms`, false otherwise; never rejects; the timer keeps no process alive. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
    const settle = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settle, settle);
  });
}
