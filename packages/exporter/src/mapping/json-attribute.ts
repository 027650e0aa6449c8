/** Returned by `tryParseJson` when the text is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not-json');

/** Could `text` be JSON at all? Checks only the first character, to skip JSON.parse on plain text. */
function mayBeJson(text: string): boolean {
  const c = text.charCodeAt(0);
  return (
    c === 0x7b /* { */ ||
    c === 0x5b /* [ */ ||
    c === 0x22 /* " */ ||
    (c >= 0x30 && c <= 0x39) /* 0-9 */ ||
    c === 0x2d /* - */ ||
    c === 0x74 /* t */ ||
    c === 0x66 /* f */ ||
    c === 0x6e /* n */
  );
}

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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
