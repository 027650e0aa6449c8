import { mayBeJson } from './json-precheck.js';
import { rememberSourceText } from './json-source-text.js';

/** Returned by `tryParseJson` when the text is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not-json');

export function tryParseJson(text: string): unknown {
  if (!mayBeJson(text)) return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/**
 * The value of a JSON-string attribute (input, output, metadata values): JSON is parsed, anything else (plain
 * text, invalid JSON) stays the string it was. Non-string attribute values are returned as they are.
 */
export function parseJsonAttribute(value: unknown): unknown {
  // Array attributes are copied: the span must not change if a mask edits the value in place.
  if (typeof value !== 'string') return Array.isArray(value) ? value.slice() : value;
  const parsed = tryParseJson(value);
  return parsed === NOT_JSON ? value : parsed;
}

/**
 * `parseJsonAttribute`, remembering the text a parsed object or array came from (see json-source-text.ts). Only
 * for values no mask will see: a mask may edit the value in place, and the text would then be stale.
 */
export function parseJsonAttributeKeepingText(value: unknown): unknown {
  const parsed = parseJsonAttribute(value);
  if (typeof value === 'string' && typeof parsed === 'object' && parsed !== null) rememberSourceText(parsed, value);
  return parsed;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
