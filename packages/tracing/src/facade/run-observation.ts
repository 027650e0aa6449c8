import { context } from '@opentelemetry/api';
import { log } from '../logger.js';
import type { OpenObservation } from './open-observation.js';
import { failAndEnd, settleResult } from './settle-result.js';

/**
 * Runs `fn(handle)` with the observation active and ends the observation when `fn` returns, or when the
 * Promise it returns settles (see `settleResult`). A throw or rejection marks the observation failed and
 * reaches the caller unchanged (the same error object).
 */
export function runObservation<T, H>(observation: OpenObservation, handle: H, fn: (handle: H) => T): T {
  if (typeof fn !== 'function') {
    log.once('warn', 'callback-missing', 'trace(), span(), generation() and observation() need a function as their second argument; nothing was run');
    observation.end();
    return undefined as T;
  }
  if (observation.isNoop) return fn(handle);
  let result: T;
  try {
    result = context.with(observation.context, fn, undefined, handle);
  } catch (error) {
    failAndEnd(observation, error);
    throw error;
  }
  return settleResult(observation, result, (value) => {
    observation.end();
    return value;
  }) as T;
}
