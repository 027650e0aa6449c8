import type { DeliverableEvent } from '../wire/ingestion-event.js';
import { sourceTextOf } from '../mapping/json-source-text.js';
import { safeJsonStringify } from './safe-json.js';
import { escapeOnce, type StringEscapeMemo } from './string-escape-memo.js';

/**
 * An event's JSON as pieces that, joined, are the JSON. Large input/output texts stay the strings they already are
 * (the attribute's JSON text, a string that needs no escape): never written out again by JSON.stringify, nor
 * copied into one big string per event.
 */
export interface EventJson {
  readonly pieces: readonly string[];
  /** Where the body's JSON starts in the joined text; it ends before the last `}`. */
  readonly bodyOffset: number;
}

const BODY_KEY = '"body":';

/** The field's value if JSON.stringify writes it (an own enumerable property). */
function own(fields: Record<string, unknown>, key: string): unknown {
  return Object.prototype.propertyIsEnumerable.call(fields, key) ? fields[key] : undefined;
}

/** Whether the value's JSON is at hand without walking it: a string, or an object with a source text. */
function isTextAtHand(value: unknown): boolean {
  return typeof value === 'string' || sourceTextOf(value) !== undefined;
}

/** The body's other fields; the rest pattern copies what JSON.stringify writes (own enumerable keys). */
function withoutSpliced(fields: Record<string, unknown>, input: boolean, output: boolean): Record<string, unknown> {
  if (input && output) {
    const { input: _input, output: _output, ...rest } = fields;
    return rest;
  }
  if (input) {
    const { input: _input, ...rest } = fields;
    return rest;
  }
  if (output) {
    const { output: _output, ...rest } = fields;
    return rest;
  }
  return fields;
}

/**
 * Appends `"field":<JSON>` for a value `isTextAtHand` accepted: the key joins the last piece, the value's text is
 * a piece of its own. Returns the text that starts the next piece (a closing quote, or nothing).
 */
function addField(pieces: string[], field: string, value: unknown, strings: StringEscapeMemo | undefined): string {
  const last = pieces.length - 1;
  if (typeof value !== 'string') {
    pieces[last] += `"${field}":`;
    pieces.push(sourceTextOf(value)!);
    return '';
  }
  const escaped = strings === undefined ? escapeOnce(value) : strings.escape(value);
  if (escaped !== undefined) {
    pieces[last] += `"${field}":`;
    pieces.push(escaped);
    return '';
  }
  pieces[last] += `"${field}":"`;
  pieces.push(value);
  return '"';
}

/**
 * The event's JSON in pieces: JSON.stringify of the envelope with the body's other fields, then the body's input
 * and output from text at hand. Parses to what JSON.stringify(event) does; only the order of the body's keys
 * differs. Undefined when only a plain JSON.stringify of the whole event will do (a body that does not serialize
 * to an object, as a user mask's value may make it).
 */
export function eventJson(event: DeliverableEvent, strings?: StringEscapeMemo): EventJson | undefined {
  const { id, timestamp, type } = event;
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof type !== 'string') return undefined;
  const fields = event.body as unknown as Record<string, unknown>;
  const input = own(fields, 'input');
  const output = own(fields, 'output');
  const spliceInput = isTextAtHand(input);
  const spliceOutput = isTextAtHand(output);

  // The body last, as in the events the mapping builds: its JSON then ends the text, before the envelope's `}`.
  const json = safeJsonStringify({ id, timestamp, type, body: withoutSpliced(fields, spliceInput, spliceOutput) });
  if (!json.endsWith('}}')) return undefined;
  const bodyOffset = json.indexOf(BODY_KEY) + BODY_KEY.length;
  if (!spliceInput && !spliceOutput) return { pieces: [json], bodyOffset };

  // Without the closing `}}`; a comma unless the rest of the body is `{}`.
  const pieces = [json.endsWith('{}}') ? json.slice(0, -2) : `${json.slice(0, -2)},`];
  let next = spliceInput ? addField(pieces, 'input', input, strings) : '';
  if (spliceOutput) {
    if (spliceInput) pieces.push(`${next},`);
    next = addField(pieces, 'output', output, strings);
  }
  pieces.push(`${next}}}`);
  return { pieces, bodyOffset };
}
