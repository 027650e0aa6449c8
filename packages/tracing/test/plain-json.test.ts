import { describe, expect, it } from 'vitest';
import { PLAIN_JSON_MAX_NODES, plainJson } from '../src/values/plain-json.js';
import { createSerializer, serializeValue } from '../src/values/serialize-value.js';

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

  it('leaves data with more objects than its node budget to the careful writer, which writes the same JSON', () => {
    const many = Array.from({ length: PLAIN_JSON_MAX_NODES + 1 }, (_, i) => ({ i }));
    expect(plainJson(many, 10_000_000, 20)).toBeUndefined();
    expect(serializeValue(many)).toBe(JSON.stringify(many));
  });

  it('stops early on a cycle through many keys (no exponential walk)', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++) wide[`k${i}`] = wide;
    expect(plainJson(wide, 1_000, 20)).toBeUndefined();
    expect(JSON.parse(serializeValue(wide)!)).toMatchObject({ k0: '[Circular]', k9: '[Circular]' });
  });

  it('writes the same JSON when Object.prototype has an enumerable key', () => {
    const value = { a: [1, { b: 'c' }] };
    Object.defineProperty(Object.prototype, 'polluted', { value: 1n, enumerable: true, configurable: true, writable: true });
    let text: string | undefined;
    try {
      text = serializeValue(value);
    } finally {
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    }
    expect(text).toBe('{"a":[1,{"b":"c"}]}');
  });

  it('shares one budget between fast-path values and careful ones', () => {
    const shared = createSerializer(100);
    expect(shared.serialize({ text: 'a'.repeat(50) })).toBe(`{"text":"${'a'.repeat(50)}"}`);
    const careful = shared.serialize(new Map([['text', 'b'.repeat(60)]]))!;
    expect(careful).toMatch(/^\{"text":"b+\.\.\.\[truncated \d+ chars\]"\}$/);
    expect(careful.length).toBeLessThan(100);
    expect(shared.serialize('c'.repeat(60))).toMatch(/^c*\.\.\.\[truncated \d+ chars\]$/);
  });
});
