import type { Note } from './notes.js';

const VALID = /^[a-z0-9_-]{1,40}$/;
// The server reserves names starting with "langfuse"; a separator right after the prefix goes with it.
const RESERVED_PREFIX = /^(?:langfuse[-_]?)+/;

/**
 * An environment name the server accepts as is: lowercase, without leading `langfuse` prefixes, 1..40 chars of
 * `[a-z0-9_-]`. Anything else returns undefined (the server then uses its default) with a note.
 */
export function normalizeEnvironment(value: string, note: Note): string | undefined {
  if (VALID.test(value) && !value.startsWith('langfuse')) return value;
  const normalized = value.trim().toLowerCase().replace(RESERVED_PREFIX, '');
  if (!VALID.test(normalized)) {
    const problem =
      normalized.length === 0
        ? 'is empty after removing the reserved "langfuse" prefix'
        : normalized.length > 40
          ? 'is longer than 40 characters'
          : 'contains characters other than a-z, 0-9, "_" and "-"';
    note('environment-invalid', `environment ${problem}; omitted so the server uses its default`);
    return undefined;
  }
  note(
    'environment-normalized',
    `environment "${value.length <= 60 ? value : `${value.slice(0, 60)}…`}" was sent as "${normalized}" (lowercase, no reserved "langfuse" prefix)`,
  );
  return normalized;
}
