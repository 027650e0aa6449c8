/*
 * The JSON text an object or array was parsed from, so that serializing an event can put that text in the event
 * instead of writing the value out again (a large input or output would otherwise cost a JSON.parse and a
 * JSON.stringify, twice over when the trace repeats its root's). Only remembered for values nobody edits after
 * parsing (no user mask sees them), and only when parsing the text again yields exactly what parsing
 * JSON.stringify's output would:
 * - every number finite and not -0: `1e400` parses to Infinity, which JSON.stringify writes as null, and -0 as 0;
 * - no lone surrogate as a raw character: UTF-8 would carry it as U+FFFD, where JSON.stringify writes an escape;
 * - not nested deeper than JSON.stringify reliably writes.
 */

import { isWellFormed } from './well-formed.js';

const sourceTexts = new WeakMap<object, string>();

const MAX_DEPTH = 512;

/** Whether JSON.parse gives back this value from JSON.stringify's text and from any text it was parsed from. */
function reparsesTheSame(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!reparsesTheSame(value[i], depth + 1)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (!reparsesTheSame(record[key], depth + 1)) return false;
  return true;
}

/** Remembers `text` as the JSON of `value`, which `JSON.parse(text)` has just returned (and nobody has touched). */
export function rememberSourceText(value: object, text: string): void {
  if (isWellFormed(text) && reparsesTheSame(value, 0)) sourceTexts.set(value, text);
}

/** The JSON text `value` was parsed from, when it may stand in for `JSON.stringify(value)`. */
export function sourceTextOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? sourceTexts.get(value) : undefined;
}
