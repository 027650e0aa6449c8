import { context } from '@opentelemetry/api';
import type { OpenObservation } from './open-observation.js';
import { StreamEnd } from './stream-end.js';

export type AnyAsyncIterator = AsyncIterator<unknown, unknown, unknown>;

/**
 * An async iterator over `source` whose `next`/`return`/`throw` run in the observation's context (so work done
 * while producing an item nests under it) and which ends the observation when the stream completes, fails, or
 * is closed early by the consumer.
 */
export function traceAsyncIterator(source: AnyAsyncIterator, observation: OpenObservation, captureOutput: boolean): AsyncGenerator<unknown, unknown, unknown> {
  const end = new StreamEnd(observation, captureOutput);
  const call = (invoke: () => unknown): Promise<IteratorResult<unknown>> => {
    let pending: unknown;
    try {
      pending = context.with(observation.context, invoke);
    } catch (error) {
      end.fail(error);
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(
      (result) => {
        end.step(result);
        return result as IteratorResult<unknown>;
      },
      (error: unknown) => {
        end.fail(error);
        throw error;
      },
    );
  };
  const iterator: AsyncGenerator<unknown, unknown, unknown> = {
    next: (...args: [] | [unknown]) => call(() => source.next(...args)),
    return: (value?: unknown) => {
      if (typeof source.return !== 'function') {
        end.finish();
        return Promise.resolve({ done: true, value });
      }
      return call(() => source.return!(value));
    },
    throw: (error?: unknown) => {
      if (typeof source.throw !== 'function') {
        end.fail(error);
        return Promise.reject(error);
      }
      return call(() => source.throw!(error));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  } as AsyncGenerator<unknown, unknown, unknown>;
  return iterator;
}

export type AnyIterator = Iterator<unknown, unknown, unknown>;

/** `traceAsyncIterator` for a synchronous generator. */
export function traceIterator(source: AnyIterator, observation: OpenObservation, captureOutput: boolean): Generator<unknown, unknown, unknown> {
  const end = new StreamEnd(observation, captureOutput);
  const call = (invoke: () => IteratorResult<unknown>): IteratorResult<unknown> => {
    let result: IteratorResult<unknown>;
    try {
      result = context.with(observation.context, invoke);
    } catch (error) {
      end.fail(error);
      throw error;
    }
    end.step(result);
    return result;
  };
  const iterator: Generator<unknown, unknown, unknown> = {
    next: (...args: [] | [unknown]) => call(() => source.next(...args)),
    return: (value?: unknown) => {
      if (typeof source.return !== 'function') {
        end.finish();
        return { done: true, value };
      }
      return call(() => source.return!(value));
    },
    throw: (error?: unknown) => {
      if (typeof source.throw !== 'function') {
        end.fail(error);
        throw error;
      }
      return call(() => source.throw!(error));
    },
    [Symbol.iterator]() {
      return iterator;
    },
  } as Generator<unknown, unknown, unknown>;
  return iterator;
}
