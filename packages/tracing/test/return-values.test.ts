import { beforeEach, describe, expect, it } from 'vitest';
import { langfuse, observe } from '../src/index.js';
import { spanRecorder, tick, useTracingTestBed } from './helpers.js';

const { setup } = useTracingTestBed();
let recorder: ReturnType<typeof spanRecorder>;

beforeEach(() => {
  recorder = spanRecorder();
  setup({ mode: 'sync', spanProcessors: [recorder.processor] });
});

const ended = (name: string): boolean => recorder.spans().some((span) => span.name === name);
const attribute = (name: string, key: string): unknown => recorder.byName(name).attributes[`langfuse.observation.${key}`];

/** Like an LLM SDK's `APIPromise`: a Promise subclass with its own methods; derived promises are plain. */
class APIPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }
  withResponse(): Promise<{ data: T; response: string }> {
    return this.then((data) => ({ data, response: 'raw' }));
  }
}

const later = <T>(value: T, ms = 10): APIPromise<T> => new APIPromise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** Like a Mongoose Query or a Knex builder: runs the query on every `then` call. */
function lazyQuery(rows: number[]): { runs: number; where(): unknown; then(resolve: (rows: number[]) => void): void } {
  return {
    runs: 0,
    where() {
      return this;
    },
    then(resolve) {
      this.runs++;
      setTimeout(() => resolve(rows), 1);
    },
  };
}

/** Collects unhandled rejections while `fn` runs (and a little after). */
async function unhandledDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await fn();
    await tick(20);
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('a Promise subclass is returned itself', () => {
  it('from span(): same object, its methods work, the observation ends when it resolves', async () => {
    const promise = later('answer');
    const returned = langfuse.span({ name: 'api-call' }, () => promise);
    expect(returned).toBe(promise);
    expect(ended('api-call')).toBe(false);
    expect(await returned.withResponse()).toEqual({ data: 'answer', response: 'raw' });
    await tick();
    expect(ended('api-call')).toBe(true);
  });

  it('from observe(): same object, the resolved value is the output', async () => {
    const call = observe((prompt: string) => later(`echo ${prompt}`), { name: 'observed-api-call' });
    const returned = call('hi');
    expect(returned).toBeInstanceOf(APIPromise);
    expect(await returned).toBe('echo hi');
    await tick();
    expect(attribute('observed-api-call', 'output')).toBe('echo hi');
  });

  it('a rejection is recorded on a handled side chain: the caller gets it, nothing is unhandled', async () => {
    const failure = new Error('rate limited');
    const unhandled = await unhandledDuring(async () => {
      const promise = new APIPromise<string>((_, reject) => setTimeout(() => reject(failure), 5));
      const returned = langfuse.generation({ name: 'rejected-call' }, () => promise);
      expect(returned).toBe(promise);
      await expect(returned).rejects.toBe(failure);
    });
    expect(unhandled).toEqual([]);
    expect(attribute('rejected-call', 'level')).toBe('ERROR');
    expect(attribute('rejected-call', 'status_message')).toBe('rate limited');
  });

  it('a stream it resolves to is traced in place: the same object, the observation ends with the stream', async () => {
    const stream = {
      label: 'chunks',
      async *[Symbol.asyncIterator]() {
        yield 'a';
        await tick();
        yield 'b';
      },
    };
    const iterate = stream[Symbol.asyncIterator];
    const call = observe(() => later(stream), { name: 'streamed-api-call' });
    const received = await call();
    expect(received).toBe(stream);
    await tick();
    expect(ended('streamed-api-call')).toBe(false);
    const chunks: string[] = [];
    for await (const chunk of received) chunks.push(chunk);
    expect(chunks).toEqual(['a', 'b']);
    expect(attribute('streamed-api-call', 'output')).toBe('ab');
    // The stream's own iterator method is back after the traced iteration.
    expect(stream[Symbol.asyncIterator]).toBe(iterate);
  });
});

describe('a thenable that is not a Promise is never then-ed by the facade', () => {
  it('from span(): returned itself and run once, by the caller', async () => {
    const query = lazyQuery([1, 2]);
    const returned = langfuse.span({ name: 'query' }, () => query);
    expect(returned).toBe(query);
    expect(query.runs).toBe(0);
    expect(await returned).toEqual([1, 2]);
    expect(query.runs).toBe(1);
    expect(ended('query')).toBe(true);
  });

  it('from observe(): the same', async () => {
    const query = lazyQuery([3]);
    const find = observe(() => query.where(), { name: 'find' });
    expect(find()).toBe(query);
    expect(await query).toEqual([3]);
    expect(query.runs).toBe(1);
  });
});

describe('a returned async iterable that is not a generator', () => {
  /** A client-style stream whose iterator has `return`/`throw` only when asked to. */
  function clientStream(items: string[], methods: { withReturn: boolean; withThrow: boolean }) {
    const calls: string[] = [];
    const stream = {
      calls,
      [Symbol.asyncIterator]() {
        let index = 0;
        const iterator: AsyncIterator<string> = {
          next: async () => (index < items.length ? { done: false, value: items[index++]! } : { done: true, value: undefined }),
        };
        if (methods.withReturn) iterator.return = async () => (calls.push('return'), { done: true, value: undefined });
        if (methods.withThrow) iterator.throw = async (error: unknown) => (calls.push('throw'), Promise.reject(error));
        return iterator;
      },
    };
    return stream;
  }

  it('is returned itself, even frozen or with read-only properties (no Proxy invariant errors)', async () => {
    const handler = (): string => 'handled';
    const frozen = Object.freeze({ handler, async *[Symbol.asyncIterator]() {
      yield 'x';
    } });
    const returned = observe(() => frozen, { name: 'frozen-stream' })();
    expect(returned).toBe(frozen);
    expect(returned.handler).toBe(handler);
    const items: string[] = [];
    for await (const item of returned) items.push(item);
    expect(items).toEqual(['x']);
    expect(ended('frozen-stream')).toBe(true);

    const readOnly = clientStream(['y', 'z'], { withReturn: false, withThrow: false });
    Object.defineProperty(readOnly, 'handler', { value: handler, writable: false, configurable: false });
    const traced = observe(() => readOnly, { name: 'read-only-stream' })();
    expect(traced).toBe(readOnly);
    expect((traced as unknown as { handler: unknown }).handler).toBe(handler);
    expect(ended('read-only-stream')).toBe(false);
    for await (const item of traced) items.push(item);
    expect(attribute('read-only-stream', 'output')).toBe('yz');
  });

  it('ends its observation on an early break: through the iterator’s return(), or without one', async () => {
    const withReturn = clientStream(['a', 'b', 'c'], { withReturn: true, withThrow: false });
    for await (const item of observe(() => withReturn, { name: 'early-return' })()) if (item === 'a') break;
    expect(withReturn.calls).toEqual(['return']);
    expect(attribute('early-return', 'output')).toBe('a');

    const withoutReturn = clientStream(['a', 'b'], { withReturn: false, withThrow: false });
    for await (const item of observe(() => withoutReturn, { name: 'early-break' })()) if (item === 'a') break;
    expect(ended('early-break')).toBe(true);
  });

  it('records throw() as a failure, whether or not the source iterator has one', async () => {
    const stop = new Error('consumer gave up');
    for (const [name, withThrow] of [['thrown-into', true], ['thrown-without', false]] as const) {
      const source = clientStream(['a', 'b'], { withReturn: false, withThrow });
      const iterator = observe(() => source, { name })()[Symbol.asyncIterator]();
      await iterator.next();
      await expect(iterator.throw!(stop)).rejects.toBe(stop);
      expect(source.calls).toEqual(withThrow ? ['throw'] : []);
      expect(attribute(name, 'level')).toBe('ERROR');
      expect(attribute(name, 'status_message')).toBe('consumer gave up');
    }
  });

  it('with a read-only iterator method: returned unchanged, its observation ends at once', async () => {
    const locked = {};
    Object.defineProperty(locked, Symbol.asyncIterator, {
      configurable: false,
      value: async function* () {
        yield 1;
      },
    });
    const returned = observe(() => locked as AsyncIterable<number>, { name: 'locked-stream' })();
    expect(returned).toBe(locked);
    expect(ended('locked-stream')).toBe(true);
    const items: number[] = [];
    for await (const item of returned) items.push(item);
    expect(items).toEqual([1]);
  });
});
