import { describe, expect, it } from 'vitest';
import { serializeValue } from '../src/index.js';
import { createSerializer } from '../src/values/serialize-value.js';

const json = (value: unknown): unknown => JSON.parse(serializeValue(value)!);

describe('serializeValue', () => {
  it('keeps strings as they are and writes plain data as JSON', () => {
    expect(serializeValue('plain {not json')).toBe('plain {not json');
    expect(serializeValue({ a: [1, 'two', true, null], b: { c: 1.5 } })).toBe('{"a":[1,"two",true,null],"b":{"c":1.5}}');
    expect(serializeValue(0)).toBe('0');
    expect(serializeValue(null)).toBe('null');
  });

  it('drops undefined, functions and symbols (null inside arrays), as JSON does', () => {
    expect(serializeValue(undefined)).toBeUndefined();
    expect(serializeValue(() => 1)).toBeUndefined();
    expect(serializeValue(Symbol('s'))).toBeUndefined();
    expect(json({ a: undefined, f() {}, s: Symbol('x'), [Symbol('k')]: 1, keep: 1 })).toEqual({ keep: 1 });
    expect(json([undefined, () => 1, 2])).toEqual([null, null, 2]);
  });

  it('handles BigInt, NaN, Infinity, Date, Error, Map, Set, RegExp and boxed primitives', () => {
    const error = new RangeError('too far');
    const withCause = new Error('outer', { cause: new Error('inner') });
    expect(
      json({
        big: 12345678901234567890n,
        nan: NaN,
        inf: -Infinity,
        date: new Date('2024-05-06T07:08:09.010Z'),
        invalid: new Date('nope'),
        map: new Map<unknown, unknown>([['k', 1], [2, 'two']]),
        objectKeys: new Map([[{ id: 1 }, 'v']]),
        set: new Set([1, 'a']),
        re: /a+b/gi,
        boxed: [new String('s'), new Number(3), new Boolean(false)],
      }),
    ).toEqual({
      big: '12345678901234567890',
      nan: 'NaN',
      inf: '-Infinity',
      date: '2024-05-06T07:08:09.010Z',
      invalid: 'Invalid Date',
      map: { k: 1, 2: 'two' },
      objectKeys: [[{ id: 1 }, 'v']],
      set: [1, 'a'],
      re: '/a+b/gi',
      boxed: ['s', 3, false],
    });
    expect(json(error)).toMatchObject({ name: 'RangeError', message: 'too far', stack: expect.stringContaining('too far') });
    expect(json(withCause)).toMatchObject({ message: 'outer', cause: { message: 'inner' } });
    expect(json(Object.assign(new Error('coded'), { code: 'E_X' }))).toMatchObject({ message: 'coded', code: 'E_X' });
  });

  it('summarizes binary data instead of dumping it', () => {
    expect(json({ buffer: Buffer.alloc(2048), bytes: new Uint8Array(10), floats: new Float64Array(4), raw: new ArrayBuffer(7), view: new DataView(new ArrayBuffer(3)) })).toEqual({
      buffer: '[Buffer 2048 bytes]',
      bytes: '[Uint8Array 10 bytes]',
      floats: '[Float64Array 32 bytes]',
      raw: '[ArrayBuffer 7 bytes]',
      view: '[DataView 3 bytes]',
    });
  });

  it('marks circular references and keeps shared (non-circular) ones', () => {
    const node: Record<string, unknown> = { name: 'n' };
    node['self'] = node;
    node['list'] = [node, { back: node }];
    const shared = { v: 1 };
    expect(json(node)).toEqual({ name: 'n', self: '[Circular]', list: ['[Circular]', { back: '[Circular]' }] });
    expect(json({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  it('survives throwing getters, throwing toJSON, hostile and revoked Proxies', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap, getOwnPropertyDescriptor: trap });
    const { proxy: revoked, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const value = {
      getter,
      hostile,
      revoked,
      throwingToJson: { toJSON: trap },
      selfToJson: { a: 1, toJSON() {
        return this;
      } },
      promise: Promise.resolve(1),
      weak: new WeakMap(),
    };
    expect(json(value)).toEqual({
      getter: { ok: 1, bad: '[Unserializable]' },
      hostile: '[Unserializable]',
      revoked: '[Unserializable]',
      throwingToJson: '[Unserializable]',
      selfToJson: { a: 1 },
      promise: '[Promise]',
      weak: '[WeakMap]',
    });
    expect(serializeValue(hostile)).toBe('"[Unserializable]"');
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;
    expect(serializeValue(value)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('bounds depth', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const text = serializeValue(deep)!;
    expect(text).toContain('"[Max depth]"');
    expect(text.match(/"next"/g)).toHaveLength(20);
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('bounds size: huge strings, arrays, objects and exponential sharing end as valid JSON near 1 MB', () => {
    let fan: unknown = 'leaf';
    for (let i = 0; i < 40; i++) fan = [fan, fan];
    const huge = {
      text: 'x'.repeat(5_000_000),
      many: Array.from({ length: 200_000 }, (_, i) => ({ i })),
      fan,
    };
    for (const value of [huge, huge.many, fan, Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, i]))]) {
      const text = serializeValue(value)!;
      expect(text.length).toBeLessThan(1_100_000);
      expect(text).toMatch(/truncated/);
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('bounds a top-level string, and strings sharing one budget, with a marker', () => {
    const text = serializeValue('x'.repeat(3_000_000))!;
    expect(text.length).toBeLessThan(1_100_000);
    expect(text).toMatch(/^x+\.\.\.\[truncated 2000000 chars\]$/);
    const shared = createSerializer(100);
    expect(shared.serialize('a'.repeat(60))).toBe('a'.repeat(60));
    expect(shared.serialize('b'.repeat(60))).toBe(`${'b'.repeat(40)}...[truncated 20 chars]`);
  });

  it('never spreads a huge Map or Set in full: reads only what the budget can show', () => {
    let read = 0;
    class CountingSet<T> extends Set<T> {
      override *[Symbol.iterator](): SetIterator<T> {
        for (const item of super[Symbol.iterator]()) {
          read++;
          yield item;
        }
      }
    }
    const set = new CountingSet(Array.from({ length: 20_000 }, (_, i) => `${i}`.padStart(1_000, '0')));
    const text = serializeValue(set)!;
    expect(read).toBeLessThan(1_100);
    expect(text).toMatch(/more items/);
    expect(() => JSON.parse(text)).not.toThrow();

    const map = new Map(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v'.repeat(1_000)] as const));
    const mapText = serializeValue(map)!;
    expect(mapText.length).toBeLessThan(1_100_000);
    expect(JSON.parse(mapText)).toMatchObject({ k0: expect.any(String), '[truncated]': expect.stringMatching(/more keys$/) });
  });

  it('writes a toJSON result one level deeper: a chain of toJSON results ends at the depth bound', () => {
    const chain = (n: number): unknown => ({ toJSON: () => chain(n + 1), n });
    const text = serializeValue({ value: chain(0) })!;
    expect(text).toBe('{"value":"[Max depth]"}');
  });
});
