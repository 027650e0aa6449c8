import { log } from '../logger.js';
import type { OpenObservation } from './open-observation.js';
import { traceAsyncIterator, traceIterator, type AnyAsyncIterator, type AnyIterator } from './traced-iterator.js';

function tagOf(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '';
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> & object {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
  } catch {
    return false;
  }
}

/** A value whose observation lasts as long as its iteration: a generator or any async iterable. */
export function isStream(value: unknown): boolean {
  return tagOf(value) === '[object Generator]' || isAsyncIterable(value);
}

/**
 * What the caller gets for a stream a traced function produced; the observation ends when iteration
 * completes, fails or is closed early. A native generator that may be replaced becomes a traced generator
 * (so direct `next()` calls are traced too). Any other async iterable (a client's stream object, a Node or web
 * stream) is returned itself, `===` and untouched but for its next `[Symbol.asyncIterator]()` call, which is
 * traced once. Where even that is impossible (frozen, a read-only iterator method) the observation ends now.
 */
export function traceStream(value: unknown, observation: OpenObservation, captureOutput: boolean, replaceable: boolean): unknown {
  const tag = tagOf(value);
  if (replaceable && tag === '[object AsyncGenerator]') return traceAsyncIterator(value as AnyAsyncIterator, observation, captureOutput);
  if (replaceable && tag === '[object Generator]') return traceIterator(value as AnyIterator, observation, captureOutput);
  if (!isAsyncIterable(value) || !traceNextIteration(value, observation, captureOutput)) {
    log.once('debug', 'stream-not-traced', 'a returned stream could not be traced without changing it (e.g. it is frozen); its observation ended at once');
    observation.end();
  }
  return value;
}

/**
 * Shadows the iterable's `[Symbol.asyncIterator]` with an own property whose first call restores the
 * original and returns a traced iterator over what the original returns. False when the property can't be
 * defined; then nothing was changed.
 */
function traceNextIteration(iterable: AsyncIterable<unknown> & object, observation: OpenObservation, captureOutput: boolean): boolean {
  try {
    const own = Object.getOwnPropertyDescriptor(iterable, Symbol.asyncIterator);
    if (own !== undefined ? own.configurable !== true : !Object.isExtensible(iterable)) return false;
    const original = iterable[Symbol.asyncIterator];
    const restore = (): void => {
      try {
        if (own === undefined) delete (iterable as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
        else Object.defineProperty(iterable, Symbol.asyncIterator, own);
      } catch {
        // it stays shadowed; later iterations then run untraced through our wrapper
      }
    };
    let traced = false;
    const tracedIterator = function (this: unknown, ...args: unknown[]): unknown {
      if (traced) return Reflect.apply(original, this, args);
      traced = true;
      restore();
      const iterator: unknown = Reflect.apply(original, this, args);
      if (typeof iterator !== 'object' || iterator === null) {
        observation.end();
        return iterator;
      }
      return traceAsyncIterator(iterator as AnyAsyncIterator, observation, captureOutput);
    };
    return Reflect.defineProperty(iterable, Symbol.asyncIterator, { value: tracedIterator, writable: true, enumerable: false, configurable: true });
  } catch {
    return false;
  }
}
