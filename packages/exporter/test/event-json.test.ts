import { describe, expect, it } from 'vitest';
import type { IngestionEvent } from '../src/wire/ingestion-event.js';
import { parseJsonAttributeKeepingText } from '../src/mapping/json-attribute.js';
import { bodyJsonOf, serializeEvent, type SerializedEvent } from '../src/events/serialized-event.js';
import { StringEscapeMemo } from '../src/events/string-escape-memo.js';
import { createRecorder, mapSpan } from './mapping/span-fixtures.js';

function event(body: Record<string, unknown>): IngestionEvent {
  return { id: 'a-span-create', timestamp: '2026-01-01T00:00:00.000000Z', type: 'span-create', body: { id: 'a', traceId: 't', ...body } };
}

function serialize(e: IngestionEvent, maxEventBytes = 10_000_000, strings?: StringEscapeMemo): SerializedEvent {
  const outcome = serializeEvent(e, maxEventBytes, 'a', strings);
  if (!outcome.ok) throw new Error('not serialized');
  return outcome.serialized;
}

/** What a server reads from the JSON: its UTF-8 bytes, parsed. */
function received(json: string): unknown {
  return JSON.parse(Buffer.from(json, 'utf8').toString('utf8'));
}

/** The serialized event says what JSON.stringify of the event says, to a server that parses it; `bytes` is exact. */
function expectSameAsStringify(e: IngestionEvent, strings?: StringEscapeMemo): SerializedEvent {
  const serialized = serialize(e, undefined, strings);
  expect(received(serialized.json)).toStrictEqual(received(JSON.stringify(e)));
  expect(serialized.bytes).toBe(Buffer.byteLength(serialized.json));
  expect(serialized.json).toBe((serialized.pieces ?? [serialized.json]).join(''));
  return serialized;
}

const ATTRIBUTE_TEXTS = [
  '{"a":1}',
  '  { "a" : [ 1, 2.50, 1e5, 1E-7, 123456789012345678901234567890, true, false, null ] }  ',
  '[1,2,3]',
  '[]',
  '{}',
  '[{"role":"user","content":"hi \\"there\\"\\n\\u0041\\/"}]',
  '{"s":"héllo wörld 😀 \\ud83d\\ude00 \u2028 \\u00e9"}',
  '{"lone":"\\ud800 and \\udc00"}',
  '{"raw lone":"\ud800"}',
  '{"__proto__":{"polluted":true},"constructor":1,"1":"one","b":2,"0":"zero"}',
  '{"a":1,"a":2}',
  '{"big":1e400,"negative zero":-0}',
  '"a JSON string"',
  '42',
  '-0',
  'true',
  'null',
  'plain text, not JSON',
  'text with "quotes", \\backslashes\\, a tab\t, a newline\n, a NUL \u0000 and a lone \udfff surrogate',
  'emoji 😀 and accents é',
  'only a lone \ud800 surrogate to escape',
  'only a DEL \u007f and a \u2028 that need no escape',
];

describe('event JSON from the attribute text', () => {
  it('parses to what JSON.stringify of the event does, for every kind of input and output', () => {
    for (const input of ATTRIBUTE_TEXTS) {
      for (const output of [ATTRIBUTE_TEXTS[0]!, ATTRIBUTE_TEXTS[input.length % ATTRIBUTE_TEXTS.length]!]) {
        expectSameAsStringify(event({ name: 'n', input: parseJsonAttributeKeepingText(input), output: parseJsonAttributeKeepingText(output), level: 'DEFAULT' }));
      }
    }
  });

  it('reuses the attribute text as it is, and writes strings that need no escape between quotes', () => {
    const text = '{ "a" : [1, 2] }';
    const serialized = expectSameAsStringify(event({ input: parseJsonAttributeKeepingText(text), output: 'plain' }));
    expect(serialized.json).toContain(`"input":${text}`);
    expect(serialized.json).toContain('"output":"plain"');
    expect(serialized.pieces).toContain(text);
  });

  it('writes a value without a source text as JSON.stringify does', () => {
    const input = { a: [1, 2], nested: { b: 'x' } };
    const serialized = expectSameAsStringify(event({ input, output: 7, metadata: { k: 'v' } }));
    expect(serialized.json).toContain('"input":{"a":[1,2],"nested":{"b":"x"}}');
  });

  it('handles a body with nothing but the spliced fields, and fields that are absent or undefined', () => {
    const bare = { id: 'x', timestamp: 't', type: 'span-create', body: { input: 'in', output: 'out' } } as unknown as IngestionEvent;
    expectSameAsStringify(bare);
    expectSameAsStringify({ ...bare, body: { output: 'only' } } as unknown as IngestionEvent);
    expectSameAsStringify(event({ input: undefined, output: 'x' }));
    expectSameAsStringify(event({}));
  });

  it('gives the same text for a long string the memo has seen, escaped or not', () => {
    const strings = new StringEscapeMemo();
    const plain = 'word '.repeat(100);
    const escaped = `"${plain}"\n`;
    const first = [plain, escaped].map((value) => expectSameAsStringify(event({ output: value }), strings).json);
    const again = [plain, escaped].map((value) => expectSameAsStringify(event({ output: value.slice(0, 1) + value.slice(1) }), strings).json);
    expect(again).toEqual(first);
  });

  it('never throws on what a user mask may return, next to a spliced string', () => {
    const cyclic: Record<string, unknown> = { n: 1n };
    cyclic['self'] = cyclic;
    const serialized = serialize(event({ output: 'kept', metadata: cyclic }));
    expect(JSON.parse(serialized.json).body).toMatchObject({ output: 'kept', metadata: { n: '1', self: '[Circular]' } });
  });

  it('falls back to JSON.stringify when the spliced text does not fit but the rewritten one does', () => {
    const text = `{"a":${' '.repeat(2_000)}1}`;
    const e = event({ input: parseJsonAttributeKeepingText(text) });
    const serialized = serialize(e, 1_000);
    expect(serialized.json).toBe(JSON.stringify(e));
    expect(serialized.bytes).toBe(Buffer.byteLength(JSON.stringify(e)));
  });

  it('finds the body JSON in either form', () => {
    const spliced = serialize(event({ input: parseJsonAttributeKeepingText('[1]'), output: 'o' }));
    expect(JSON.parse(bodyJsonOf(spliced))).toEqual({ id: 'a', traceId: 't', input: [1], output: 'o' });
    const plain = serialize(event({ input: 1 }));
    expect(bodyJsonOf(plain)).toBe('{"id":"a","traceId":"t","input":1}');
  });
});

describe('events mapped from spans', () => {
  it('serialize to what JSON.stringify of the events does, trace-create included', () => {
    for (const input of ATTRIBUTE_TEXTS) {
      const span = createRecorder({}, { name: '' }).record({
        attributes: { 'langfuse.observation.input': input, 'langfuse.observation.output': ATTRIBUTE_TEXTS[2]!, 'langfuse.trace.input': input },
      });
      const { events } = mapSpan(span);
      expect(events.length).toBeGreaterThan(1);
      for (const e of events) expectSameAsStringify(e);
    }
  });

  it('carry what a mask changed in place, never the attribute text', () => {
    const span = createRecorder({}, { name: '' }).record({ attributes: { 'langfuse.observation.input': '{"password":"hunter2"}' } });
    const mask = ({ data }: { data: unknown }) => {
      if (typeof data === 'object' && data !== null && 'password' in data) (data as Record<string, unknown>)['password'] = '***';
      return data;
    };
    const { observation } = mapSpan(span, { mask });
    const { json } = serialize(observation);
    expect(json).toContain('"input":{"password":"***"}');
    expect(json).not.toContain('hunter2');
  });
});
