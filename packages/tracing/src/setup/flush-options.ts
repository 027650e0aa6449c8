/** A deadline for `forceFlush` / `shutdown`. */
export interface FlushOptions {
  /**
   * Resolve by then at the latest (milliseconds). What is still being sent then is aborted, counted in `stats()`
   * (`eventsDropped['flush-deadline']` or `.shutdown`) and dead-lettered; nothing is ever thrown.
   */
  timeoutMs?: number;
}

/**
 * `forceFlush()` without a deadline of its own: short enough for a request path (serverless) when Langfuse is down
 * or hanging, long enough for a healthy server to take a few thousand spans.
 */
export const DEFAULT_FLUSH_TIMEOUT_MS = 2_500;

/** The caller's deadline when it is a usable number, else `fallbackMs`. */
export function timeoutOf(options: FlushOptions | undefined, fallbackMs: number): number {
  const given = options?.timeoutMs;
  return typeof given === 'number' && Number.isFinite(given) && given >= 0 ? given : fallbackMs;
}
