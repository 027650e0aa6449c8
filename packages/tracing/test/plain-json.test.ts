import { describe, expect, it } from 'vitest';
import { plainJson } from '../src/values/plain-json.js';
import { serializeValue } from '../src/values/serialize-value.js';

describe('the plain-JSON fast path', () => {
  it('writes plain data exactly as JSON.stringify does', () => {
    const messages = [{ role: 'user', content: 'hi', meta: { n: 1, ok: true, none: null, list: ['a', 2] } }];
    expect(plainJson(messages, 1_000, 20)).toBe(JSON.stringify(messages));
    expect(serializeValue(messages)).toBe(JSON.stringify(messages));
  });

  it.each([
    ['a Map', new Map([['a', 1]])],
    ['a Date inside', { at: new Date(0) }],
    ['a BigInt inside', { n: 1n }],
    ['NaN inside', [Number.NaN]],
    ['undefined inside', { u: undefined }],
    ['a class instance', new (class Point { x = 1 })()],
    ['an own toJSON', { toJSON: () => 'x' }],
  ])('leaves %s to the careful writer', (_name, value) => {
    expect(plainJson(value, 1_000, 20)).toBeUndefined();
  });

  it('leaves cycles, excessive depth and a getter that throws to the careful writer', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(plainJson(cyclic, 1_000, 20)).toBeUndefined();
    let deep: unknown = 'leaf';
    for (let i = 0; i < 30; i++) deep = { deep };
    expect(plainJson(deep, 1_000, 20)).toBeUndefined();
    expect(plainJson(Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } }), 1_000, 20)).toBeUndefined();
    expect(serializeValue(cyclic)).toBe('{"self":"[Circular]"}');
  });

  it('leaves what is over the budget to the writer, which truncates it with a marker', () => {
    const big = { text: 'x'.repeat(2_000_000) };
    expect(plainJson(big, 1_000_000, 20)).toBeUndefined();
    expect(serializeValue(big)).toMatch(/truncated/);
  });
});
