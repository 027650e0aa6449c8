import { describeType } from './attribute-values.js';
import type { Note } from './notes.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The completion start time as an ISO string with a zone, from an ISO string or a JSON-quoted one. A time
 * without zone is taken as UTC; one with an offset is converted to UTC. Anything unparseable is dropped.
 */
export function normalizeCompletionStartTime(value: unknown, note: Note): string | undefined {
  const what = 'completion start time';
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    note('completion-start-time-invalid', `${what} must be an ISO 8601 string, got ${describeType(value)}; dropped`);
    return undefined;
  }
  let text = value.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  const match = ISO_DATE_TIME.exec(text);
  if (match !== null) {
    if (text.charCodeAt(10) === 0x20 /* space */) text = `${text.slice(0, 10)}T${text.slice(11)}`;
    const zone = match[1];
    if (zone === undefined) text += 'Z';
    else if (zone === 'z') text = `${text.slice(0, -1)}Z`;
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) {
      // Offsets are converted to UTC (millisecond precision) so every time on the wire looks the same.
      return zone === undefined || zone === 'Z' || zone === 'z' ? text : new Date(ms).toISOString();
    }
  }
  note('completion-start-time-invalid', `${what} is not an ISO 8601 date-time; dropped`);
  return undefined;
}
