import type { Note } from './notes.js';

/**
 * A string-valued field from an attribute: strings as they are (empty means absent), numbers and booleans as
 * text; anything else (arrays) is dropped with a note.
 */
export function stringValue(value: unknown, attribute: string, note: Note): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  note('attribute-type-invalid', `${attribute} must be a string; the value (${describeType(value)}) was dropped`);
  return undefined;
}

/** A boolean from `true`/`false` or the strings "true"/"false" (any case); undefined otherwise. */
export function booleanValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return undefined;
}

/** A short, safe description of a value's type for notes (never the value itself). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
