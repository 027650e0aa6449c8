import { context } from '@opentelemetry/api';
import type { Observation } from './observation.js';
import { StreamOutput } from './stream-output.js';

/** Ends the observation once, with the collected output, failed or not. */
class StreamEnd {
  private done = false;
  readonly output: StreamOutput | undefined;

  constructor(
    private readonly observation: Observation,
    captureOutput: boolean,
  ) {
    this.output = captureOutput ? new StreamOutput() : undefined;
  }

  /** Looks at one iterator result: collects its value, or ends the observation when the stream is done. */
  step(result: unknown): void {
    if (this.done) return;
    let finished = true;
    let value: unknown;
    try {
      finished = (result as IteratorResult<unknown>).done === true;
      value = (result as IteratorResult<unknown>).value;
    } catch {
      // an unreadable result: treat the stream as finished
    }
    if (finished) this.finish();
    else this.output?.add(value);
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    const output = this.output?.value();
    this.observation.end(output === undefined ? undefined : { output });
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.observation.fail(error);
    this.finish();
  }
}

type AnyAsyncIterator = AsyncIterator<unknown, unknown, unknown>;

/**
 * An async iterator over `source` whose `next`/`return`/`throw` run in the observation's context (so work done
 * while producing an item nests under it) and which ends the observation when the stream completes, fails, or
 * is closed early by the consumer.
 */
export function traceAsyncIterator(source: AnyAsyncIterator, observation: Observation, captureOutput: boolean): AsyncGenerator<unknown, unknown, unknown> {
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

type AnyIterator = Iterator<unknown, unknown, unknown>;

/** `traceAsyncIterator` for a synchronous generator. */
export function traceIterator(source: AnyIterator, observation: Observation, captureOutput: boolean): Generator<unknown, unknown, unknown> {
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

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
  } catch {
    return false;
  }
}

function tagOf(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '';
  }
}

/**
 * A traced stand-in for what a function returned: a native (async) generator becomes a traced generator; any
 * other async iterable (a client's stream object, a Node or web stream) stays itself behind a Proxy whose only
 * change is a traced `[Symbol.asyncIterator]`, so its own methods keep working.
 */
export function traceStream(value: unknown, observation: Observation, captureOutput: boolean): unknown {
  const tag = tagOf(value);
  if (tag === '[object AsyncGenerator]') return traceAsyncIterator(value as AnyAsyncIterator, observation, captureOutput);
  if (tag === '[object Generator]') return traceIterator(value as AnyIterator, observation, captureOutput);
  const target = value as AsyncIterable<unknown> & object;
  return new Proxy(target, {
    get(object, property) {
      if (property === Symbol.asyncIterator) {
        return () => traceAsyncIterator(object[Symbol.asyncIterator]() as AnyAsyncIterator, observation, captureOutput);
      }
      const member: unknown = Reflect.get(object, property, object);
      // Methods run against the real object: private fields and internal slots do not exist on the Proxy.
      return typeof member === 'function' && property !== 'constructor' ? member.bind(object) : member;
    },
  });
}

export function isSyncGenerator(value: unknown): boolean {
  return tagOf(value) === '[object Generator]';
}
