import { describeType } from './attribute-values.js';
import { NOT_JSON, isPlainObject, tryParseJson } from './json-attribute.js';
import type { Note, NoteCode } from './notes.js';

const INTEGER_TEXT = /^\s*\d{1,15}\s*$/;
const DECIMAL_TEXT = /^\s*\d{1,15}(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$/;

interface NumberRecordRule {
  code: NoteCode;
  what: string;
  integer: boolean;
}

function numberRecord(value: unknown, rule: NumberRecordRule, note: Note): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? tryParseJson(value) : NOT_JSON;
  if (!isPlainObject(parsed)) {
    note(
      rule.code,
      `${rule.what} must be a JSON object string, got ${parsed === NOT_JSON ? (typeof value === 'string' ? 'invalid JSON' : describeType(value)) : `JSON ${describeType(parsed)}`}; dropped`,
    );
    return undefined;
  }
  return numbersOf(parsed, rule, note);
}

function numbersOf(parsed: Record<string, unknown>, rule: NumberRecordRule, note: Note): Record<string, number> | undefined {
  const result: Record<string, number> = {};
  let count = 0;
  let dropped = 0;
  for (const key in parsed) {
    const item = parsed[key];
    if (item === null || key === '__proto__') continue;
    let n: number | undefined;
    if (typeof item === 'number') n = item;
    else if (typeof item === 'string' && (rule.integer ? INTEGER_TEXT : DECIMAL_TEXT).test(item)) n = Number(item);
    if (n !== undefined && Number.isFinite(n) && n >= 0 && (!rule.integer || Number.isInteger(n))) {
      result[key] = n;
      count++;
    } else {
      dropped++;
    }
  }
  if (dropped > 0) {
    note(
      rule.code,
      `${dropped} ${rule.what} value(s) dropped: each must be a non-negative ${rule.integer ? 'integer' : 'number'}`,
    );
  }
  return count === 0 ? undefined : result;
}

const USAGE: NumberRecordRule = { code: 'usage-invalid', what: 'usage details', integer: true };
const COST: NumberRecordRule = { code: 'cost-invalid', what: 'cost details', integer: false };

/** Usage from a JSON object string: a record of non-negative integers ("10" counts as 10). */
export function normalizeUsageDetails(value: unknown, note: Note): Record<string, number> | undefined {
  return numberRecord(value, USAGE, note);
}

/** Cost in USD from a JSON object string: a record of non-negative numbers. */
export function normalizeCostDetails(value: unknown, note: Note): Record<string, number> | undefined {
  return numberRecord(value, COST, note);
}

/** Usage already gathered into a record (other conventions' token counts): the same rules as the JSON form. */
export function normalizeUsageRecord(record: Record<string, unknown>, note: Note): Record<string, number> | undefined {
  return numbersOf(record, USAGE, note);
}

/** Cost already gathered into a record: the same rules as the JSON form. */
export function normalizeCostRecord(record: Record<string, unknown>, note: Note): Record<string, number> | undefined {
  return numbersOf(record, COST, note);
}
