import { context } from '@opentelemetry/api';
import { log } from '../logger.js';
import type { Observation } from './observation.js';

/**
 * Runs `fn(handle)` with the observation active and ends the observation when `fn` returns, or when the
 * Promise it returns settles. A throw or rejection marks the observation failed and reaches the caller
 * unchanged (the same error object).
 */
export function runObservation<T, H>(observation: Observation, handle: H, fn: (handle: H) => T): T {
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
    observation.fail(error);
    observation.end();
    throw error;
  }
  return endWhenSettled(observation, result);
}

/** A native Promise is replaced by one that settles the same way after the observation ended. */
export function endWhenSettled<T>(observation: Observation, result: T): T {
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        observation.end();
        return value;
      },
      (error: unknown) => {
        observation.fail(error);
        observation.end();
        throw error;
      },
    ) as T;
  }
  const then = thenOf(result);
  if (then !== undefined) {
    // Another thenable (e.g. a client's lazy API promise) is returned as it is, keeping its own methods.
    try {
      then.call(
        result,
        () => observation.end(),
        (error: unknown) => {
          observation.fail(error);
          observation.end();
        },
      );
    } catch {
      observation.end();
    }
    return result;
  }
  observation.end();
  return result;
}

export function thenOf(value: unknown): ((onFulfilled: (v: unknown) => unknown, onRejected: (e: unknown) => unknown) => unknown) | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    const then = (value as { then?: unknown }).then;
    return typeof then === 'function' ? (then as never) : undefined;
  } catch {
    return undefined;
  }
}
