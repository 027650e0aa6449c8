import { beforeEach, describe, expect, it } from 'vitest';
import { langfuse, observe } from '../src/index.js';
import { observationNamed, observations, spanRecorder, tick, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, setup, handle } = useTracingTestBed();
beforeEach(() => {
  setup({ mode: 'sync' });
});

const body = (name: string) => observationNamed(receiver().events(), name).body;

/** A client-library style stream: private state, its own methods, async iteration. */
class TokenStream {
  readonly #tokens: string[];
  constructor(tokens: string[]) {
    this.#tokens = tokens;
  }
  get size(): number {
    return this.#tokens.length;
  }
  toText(): string {
    return this.#tokens.join('');
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (const token of this.#tokens) {
      await tick();
      yield token;
    }
  }
}

describe('observe()', () => {
  it('wraps a sync function: same name, arguments as input, result as output, `this` kept', async () => {
    const calculator = {
      factor: 3,
      multiply: observe(function multiply(this: { factor: number }, a: number, b: number) {
        return a * b * this.factor;
      }),
    };
    expect(calculator.multiply.name).toBe('multiply');
    expect(calculator.multiply(2, 5)).toBe(30);
    const single = observe((text: string) => text.toUpperCase(), { name: 'shout', type: 'tool', metadata: { v: 1 } });
    expect(single('hi')).toBe('HI');
    await handle().forceFlush();
    expect(body('multiply')).toMatchObject({ input: [2, 5], output: 30 });
    expect(observationNamed(receiver().events(), 'shout')).toMatchObject({ type: 'tool-create', body: { input: 'hi', output: 'HI', metadata: { v: 1 } } });
  });

  it('wraps an async function; nested calls nest; a rejection is recorded and passed on unchanged', async () => {
    const failure = new Error('no answer');
    const inner = observe(async function lookup(id: number) {
      await tick();
      if (id < 0) throw failure;
      return { id, found: true };
    });
    const outer = observe(async function handleAll(ids: number[]) {
      return Promise.all(ids.map((id) => inner(id)));
    });
    const traceId = await langfuse.trace({ name: 'request' }, async (t) => {
      expect(await outer([1, 2])).toEqual([
        { id: 1, found: true },
        { id: 2, found: true },
      ]);
      await expect(inner(-1)).rejects.toBe(failure);
      return t.id;
    });
    await handle().forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual([
      'span handleAll <- request',
      'span lookup <- handleAll',
      'span lookup <- handleAll',
      'span lookup <- request',
      'span request <- (root)',
    ]);
    const failed = observations(receiver().events(), traceId).find((e) => e.body['name'] === 'lookup' && e.body['level'] === 'ERROR');
    expect(failed?.body).toMatchObject({ input: -1, statusMessage: 'no answer' });
    expect(body('handleAll')['output']).toEqual([
      { id: 1, found: true },
      { id: 2, found: true },
    ]);
  });

  it('keeps an async generator open until the stream ends; work inside nests under it; chunks join into the output', async () => {
    await handle().shutdown();
    const recorder = spanRecorder();
    setup({ mode: 'sync', spanProcessors: [recorder.processor] });
    const ended = (name: string) => recorder.spans().some((span) => span.name === name);
    const stream = observe(async function* completion(prompt: string) {
      for (const token of ['Hel', 'lo', ` ${prompt}`]) {
        await tick();
        langfuse.event({ name: `token:${token.trim()}` });
        yield token;
      }
    }, { type: 'generation', model: 'gpt-4o' });

    const traceId = await langfuse.trace({ name: 'chat' }, async (t) => {
      const iterator = stream('world');
      expect(ended('completion')).toBe(false);
      let text = '';
      for await (const token of iterator) {
        text += token;
        expect(ended('completion')).toBe(false);
      }
      expect(ended('completion')).toBe(true);
      expect(text).toBe('Hello world');
      return t.id;
    });
    await handle().forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual([
      'event token:Hel <- completion',
      'event token:lo <- completion',
      'event token:world <- completion',
      'generation completion <- chat',
      'span chat <- (root)',
    ]);
    expect(body('completion')).toMatchObject({ input: 'world', output: 'Hello world', model: 'gpt-4o' });
  });

  it('ends the observation when the consumer breaks early, and records a stream that fails', async () => {
    const numbers = observe(async function* counter() {
      for (let i = 0; ; i++) yield i;
    });
    for await (const n of numbers()) if (n === 2) break;

    const failure = new Error('connection reset');
    const broken = observe(async function* brokenStream() {
      yield 'partial';
      throw failure;
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of broken()) seen.push(chunk);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual(['partial']);
    await handle().forceFlush();
    expect(body('counter')).toMatchObject({ output: [0, 1, 2], level: 'DEFAULT' });
    expect(body('brokenStream')).toMatchObject({ output: 'partial', level: 'ERROR', statusMessage: 'connection reset' });
  });

  it('traces a returned async iterable (also via a Promise) while its own methods keep working', async () => {
    const open = observe(async (prompt: string) => new TokenStream(['a', 'b', prompt]), { name: 'open-stream' });
    const direct = observe(() => new TokenStream(['x', 'y']), { name: 'direct-stream' });

    const stream = await open('c');
    expect(stream.size).toBe(3);
    expect(stream.toText()).toBe('abc');
    expect(stream).toBeInstanceOf(TokenStream);
    const tokens: string[] = [];
    for await (const token of stream) tokens.push(token);
    expect(tokens).toEqual(['a', 'b', 'c']);

    const second = direct();
    expect(second.toText()).toBe('xy');
    for await (const token of second) tokens.push(token);
    await handle().forceFlush();
    expect(body('open-stream')).toMatchObject({ input: 'c', output: 'abc' });
    expect(body('direct-stream')).toMatchObject({ output: 'xy' });
  });

  it('traces a sync generator', async () => {
    const alphabet = observe(function* letters() {
      yield 'a';
      yield 'b';
    });
    expect([...alphabet()]).toEqual(['a', 'b']);
    await handle().forceFlush();
    expect(body('letters')).toMatchObject({ output: 'ab' });
  });

  it('captureInput / captureOutput false record neither', async () => {
    const secretive = observe((password: string) => `hash(${password})`, { name: 'secretive', captureInput: false, captureOutput: false });
    expect(secretive('hunter2')).toBe('hash(hunter2)');
    await handle().forceFlush();
    expect(body('secretive')['input']).toBeUndefined();
    expect(body('secretive')['output']).toBeUndefined();
    expect(JSON.stringify(receiver().events())).not.toContain('hunter2');
  });
});
