import { describe, expect, it } from 'vitest';
import { NOT_JSON, tryParseJson } from '../../src/mapping/json-attribute.js';
import { mayBeJson } from '../../src/mapping/json-precheck.js';

/** What tryParseJson returned before the pre-check looked past the first character. */
function previousResult(text: string): unknown {
  if (!/^[{["\d\-tfn]/.test(text)) return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const JSON_TEXTS = [
  'true', 'false', 'null', 'true ', 'null\n', 'false\t\r\n ',
  '0', '-0', '1e5', '1E+5', '-1.5e-3', '12', '3.25', '1e400', '0 ',
  '"x"', '""', '"a \\" b"', '"x" ', '"\\ud800"',
  '{}', '{ }', '{"a":1}', '{"a":1} ', '{"a":1}\n', '{ "a" : [1, 2] }', '{\n  "a": {"b": null}\n}',
  '[]', '[ ]', '[1,2]', '[{"a":1}]', '[ "x" ]\t', '[[[]]]',
];

const NOT_JSON_TEXTS = [
  ' {"a":1}', '\t[1]', ' true', 'trueish', 'true false', 'nullable', 'fals', 'nul', 'the answer is 42',
  'this is prose', 'no', 'ok', 'failed: timeout', '-', '--', '-x', '12 apples', '1.', '.5', '01', '1e', '1e+',
  '0x10', 'Infinity', 'NaN', '"', '"unterminated', '{', '[', '{prose}', '{ not json }', '[INFO] done', '[1,2',
  '{"a":1', '"a" "b"', '{"a":1}\u00a0', '', 'Hello', 'What is the capital of France?',
];

describe('mayBeJson', () => {
  it('lets every JSON text through', () => {
    for (const text of JSON_TEXTS) {
      expect(parses(text), text).toBe(true);
      expect(mayBeJson(text), text).toBe(true);
    }
  });

  it('stops prose, truncated JSON and text with leading whitespace', () => {
    const passed = NOT_JSON_TEXTS.filter((text) => mayBeJson(text));
    // What passes is only what has the shape of JSON; JSON.parse refuses it.
    expect(passed).toEqual(['"a" "b"']);
  });

  it('never turns away a text JSON.parse accepts (and the previous check let through)', () => {
    const alphabet = ['{', '}', '[', ']', '"', ':', ',', ' ', '\n', '1', '0', '-', 'e', '.', 't', 'r', 'u', 'n', 'l', 'f', 'a', 's', 'x', '\\'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) {
      let text = '';
      const length = 1 + Math.floor(random() * 8);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      if (previousResult(text) === NOT_JSON) continue;
      accepted++;
      expect(mayBeJson(text), JSON.stringify(text)).toBe(true);
    }
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('tryParseJson', () => {
  it('returns what it returned before for every input', () => {
    for (const text of [...JSON_TEXTS, ...NOT_JSON_TEXTS]) expect(tryParseJson(text), text).toEqual(previousResult(text));
  });

  it('does not call JSON.parse for prose that starts like a literal or a number', () => {
    const original = JSON.parse;
    let calls = 0;
    JSON.parse = ((text: string) => {
      calls++;
      return original(text) as unknown;
    }) as typeof JSON.parse;
    try {
      for (const text of ['the answer is 42', 'true story', 'no idea', 'false alarm', '42 is the answer', '-- note', '{', '[', '"']) {
        expect(tryParseJson(text)).toBe(NOT_JSON);
      }
      expect(calls).toBe(0);
    } finally {
      JSON.parse = original;
    }
  });
});
