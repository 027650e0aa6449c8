import { describe, expect, it } from 'vitest';
import { NOT_JSON, parseJsonAttribute, tryParseJson } from '../../src/mapping/json-attribute.js';

describe('JSON-string attributes', () => {
  it('parses JSON objects, arrays, strings, numbers and literals', () => {
    expect(parseJsonAttribute('{"a":[1,{"b":true}]}')).toEqual({ a: [1, { b: true }] });
    expect(parseJsonAttribute('[1,2]')).toEqual([1, 2]);
    expect(parseJsonAttribute('"quoted"')).toBe('quoted');
    expect(parseJsonAttribute('-1.5')).toBe(-1.5);
    expect(parseJsonAttribute('true')).toBe(true);
    expect(parseJsonAttribute('null')).toBe(null);
  });

  it('keeps plain text and invalid JSON as the original string', () => {
    expect(parseJsonAttribute('hello world')).toBe('hello world');
    expect(parseJsonAttribute('{not json')).toBe('{not json');
    expect(parseJsonAttribute('12 apples')).toBe('12 apples');
    expect(parseJsonAttribute('')).toBe('');
  });

  it('does not call JSON.parse for text that cannot be JSON', () => {
    const original = JSON.parse;
    let calls = 0;
    JSON.parse = ((text: string) => {
      calls++;
      return original(text) as unknown;
    }) as typeof JSON.parse;
    try {
      expect(tryParseJson('What is the capital of France?')).toBe(NOT_JSON);
      expect(tryParseJson('Hello')).toBe(NOT_JSON);
      expect(calls).toBe(0);
      expect(tryParseJson('{"a":1}')).toEqual({ a: 1 });
      expect(calls).toBe(1);
    } finally {
      JSON.parse = original;
    }
  });

  it('returns non-string attribute values as they are (arrays copied)', () => {
    expect(parseJsonAttribute(42)).toBe(42);
    const array = ['a', 'b'];
    const parsed = parseJsonAttribute(array);
    expect(parsed).toEqual(array);
    expect(parsed).not.toBe(array);
  });
});
