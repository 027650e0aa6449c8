import { types } from 'node:util';
import { log } from '../logger.js';
import type { OpenObservation } from './open-observation.js';

/**
 * Ends the observation for a final value (returned, or resolved) and says what the caller gets. `replaceable`
 * is false when the value resolves a Promise the caller gets unchanged: it can be observed, not swapped.
 */
export type Completion = (value: unknown, replaceable: boolean) => unknown;

/**
 * What the caller of a traced function gets back, with the observation ended when the result is complete:
 * - a plain native Promise becomes one that settles the same way, after the observation ended;
 * - a Promise subclass (e.g. an SDK's `APIPromise` with its own methods) is returned itself; the observation
 *   ends on a side chain, whose rejection is handled there;
 * - any other thenable (a lazy query builder) is returned itself and never `then`-ed here: calling `then`
 *   would run it a second time. Its observation ends now;
 * - anything else goes to `complete` as it is.
 * A throw or rejection marks the observation failed and reaches the caller unchanged.
 */
export function settleResult(observation: OpenObservation, result: unknown, complete: Completion): unknown {
  if (types.isPromise(result)) {
    if (Object.getPrototypeOf(result) === Promise.prototype) {
      return result.then(
        (value) => complete(value, true),
        (error: unknown) => {
          failAndEnd(observation, error);
          throw error;
        },
      );
    }
    endAfterSubclass(observation, result, complete);
    return result;
  }
  if (isThenable(result)) {
    log.once(
      'debug',
      'thenable-result',
      'a traced function returned a thenable that is not a Promise (e.g. a lazy query builder); its observation ended at once, ' +
        'since calling then() would run it again. Await it inside the traced function to measure it',
    );
    observation.end();
    return result;
  }
  return complete(result, true);
}

export function failAndEnd(observation: OpenObservation, error: unknown): void {
  observation.fail(error);
  observation.end();
}

function endAfterSubclass(observation: OpenObservation, promise: Promise<unknown>, complete: Completion): void {
  try {
    // The subclass's own `then`: an override (lazy parsing, say) is what the caller will see settle too.
    promise.then(
      (value) => {
        try {
          complete(value, false);
        } catch {
          observation.end();
        }
      },
      (error: unknown) => failAndEnd(observation, error),
    );
  } catch {
    observation.end();
  }
}

function isThenable(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}
