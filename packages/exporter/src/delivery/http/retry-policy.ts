export interface RetryPolicyOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): capped exponential backoff with jitter in [50%, 100%] of the step,
 * or the server's `Retry-After`. Returns 0 (give up) when waiting would reach the deadline.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  msUntilDeadline: number,
  options: RetryPolicyOptions,
): number {
  const random = options.random ?? Math.random;
  let delay: number;
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    delay = retryAfterMs;
  } else {
    const step = Math.min(options.initialDelayMs * 2 ** (attempt - 1), options.maxDelayMs);
    delay = step / 2 + (random() * step) / 2;
  }
  // A retry needs time to run after its delay; give up rather than start one that cannot finish.
  return delay + MIN_ATTEMPT_MS < msUntilDeadline ? Math.max(1, Math.round(delay)) : 0;
}

export const MIN_ATTEMPT_MS = 50;

/** Statuses of a whole request worth retrying. */
export const RETRYABLE_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/**
 * Network errors worth retrying: got's defaults, plus the one Node 22+ reports when a pooled socket to a refusing
 * server is closed before it connects.
 */
export const RETRYABLE_ERROR_CODES: readonly string[] = [
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRINUSE',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED_BEFORE_CONNECTION',
];
