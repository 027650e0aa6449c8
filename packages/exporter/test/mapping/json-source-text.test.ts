import { describe, expect, it } from 'vitest';
import { parseJsonAttribute, parseJsonAttributeKeepingText } from '../../src/mapping/json-attribute.js';
import { rememberSourceText, sourceTextOf } from '../../src/mapping/json-source-text.js';

function remembered(text: string): string | undefined {
  const value = JSON.parse(text) as object;
  rememberSourceText(value, text);
  return sourceTextOf(value);
}

describe('source texts of parsed values', () => {
  it('remembers the text of objects and arrays whose numbers, strings and depth survive a round trip', () => {
    for (const text of ['{"a":1}', ' [1, 2.5, -3e-2, true, null, "x"] ', '{"__proto__":{"x":1}}', '{"s":"\\ud800 é 😀"}']) {
      expect(remembered(text)).toBe(text);
    }
  });

  it('refuses a text JSON.stringify would not reproduce after parsing', () => {
    expect(remembered('[1e400]')).toBeUndefined(); // Infinity: JSON.stringify writes null
    expect(remembered('{"a":{"b":[-1e999]}}')).toBeUndefined();
    expect(remembered('[-0]')).toBeUndefined(); // written as 0
    expect(remembered('{"a":-0.0}')).toBeUndefined();
    expect(remembered('["\ud800"]')).toBeUndefined(); // a raw lone surrogate: U+FFFD in UTF-8
    expect(remembered(`${'['.repeat(600)}${']'.repeat(600)}`)).toBeUndefined();
  });

  it('knows nothing of values it was not given, nor of primitives', () => {
    expect(sourceTextOf({ a: 1 })).toBeUndefined();
    expect(sourceTextOf('text')).toBeUndefined();
    expect(sourceTextOf(undefined)).toBeUndefined();
  });

  it('is kept only by parseJsonAttributeKeepingText, and only for objects and arrays', () => {
    const kept = parseJsonAttributeKeepingText('{"a": [1, 2]}');
    expect(kept).toEqual({ a: [1, 2] });
    expect(sourceTextOf(kept)).toBe('{"a": [1, 2]}');
    expect(sourceTextOf(parseJsonAttribute('{"a": [1, 2]}'))).toBeUndefined();
    expect(parseJsonAttributeKeepingText('"x"')).toBe('x');
    expect(parseJsonAttributeKeepingText('plain text')).toBe('plain text');
    const array = ['a'];
    const copied = parseJsonAttributeKeepingText(array);
    expect(copied).toEqual(array);
    expect(sourceTextOf(copied)).toBeUndefined();
  });
});
