import type { ObservationLevel } from '../wire/ingestion-event.js';
import { describeType } from './attribute-values.js';
import type { Note } from './notes.js';

const LEVELS: ReadonlyMap<string, ObservationLevel> = new Map<string, ObservationLevel>([
  ['DEBUG', 'DEBUG'],
  ['TRACE', 'DEBUG'],
  ['VERBOSE', 'DEBUG'],
  ['DEFAULT', 'DEFAULT'],
  ['INFO', 'DEFAULT'],
  ['LOG', 'DEFAULT'],
  ['NOTICE', 'DEFAULT'],
  ['OK', 'DEFAULT'],
  ['SUCCESS', 'DEFAULT'],
  ['WARNING', 'WARNING'],
  ['WARN', 'WARNING'],
  ['ERROR', 'ERROR'],
  ['FATAL', 'ERROR'],
  ['CRITICAL', 'ERROR'],
]);

/** The level enum from an attribute value (case-insensitive, with aliases); undefined (and a note) if unknown. */
export function normalizeLevel(value: unknown, note: Note): ObservationLevel | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const level = LEVELS.get(value) ?? LEVELS.get(value.trim().toUpperCase());
    if (level !== undefined) return level;
    note(
      'level-invalid',
      `level ${value.length <= 20 ? `"${value}"` : '(long string)'} is not DEBUG, DEFAULT, WARNING or ERROR (or an alias); derived from the span status instead`,
    );
    return undefined;
  }
  note('level-invalid', `level must be a string, got ${describeType(value)}; derived from the span status instead`);
  return undefined;
}
