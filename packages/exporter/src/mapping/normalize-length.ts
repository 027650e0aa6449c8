import type { Note } from './notes.js';

export const MAX_ID_LENGTH = 800;
export const MAX_NAME_LENGTH = 1000;

/** The first `max` UTF-16 units, without splitting a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export function limitName(value: string, what: string, note: Note): string {
  if (value.length <= MAX_NAME_LENGTH) return value;
  note('name-truncated', `${what} of ${value.length} characters truncated to ${MAX_NAME_LENGTH}`);
  return truncate(value, MAX_NAME_LENGTH);
}

export function limitId(value: string, what: string, note: Note): string {
  if (value.length <= MAX_ID_LENGTH) return value;
  note('id-truncated', `${what} of ${value.length} characters truncated to ${MAX_ID_LENGTH}`);
  return truncate(value, MAX_ID_LENGTH);
}
