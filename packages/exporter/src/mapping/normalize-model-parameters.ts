import type { ModelParameterValue } from '../wire/ingestion-event.js';
import { describeType } from './attribute-values.js';
import { NOT_JSON, isPlainObject, tryParseJson } from './json-attribute.js';
import type { Note } from './notes.js';

function isStringArray(value: unknown[]): value is string[] {
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isStringMap(value: Record<string, unknown>): value is Record<string, string> {
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

/**
 * Model parameters from a JSON object string. Values the server accepts (string, number, boolean, null,
 * string[], string→string map) stay; any other value is sent as its JSON text. Not a JSON object: dropped.
 */
export function normalizeModelParameters(
  value: unknown,
  note: Note,
): Record<string, ModelParameterValue> | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? tryParseJson(value) : NOT_JSON;
  if (!isPlainObject(parsed)) {
    note(
      'model-parameters-invalid',
      `model parameters must be a JSON object string, got ${parsed === NOT_JSON ? (typeof value === 'string' ? 'invalid JSON' : describeType(value)) : `JSON ${describeType(parsed)}`}; dropped`,
    );
    return undefined;
  }
  return normalizeModelParameterRecord(parsed, note);
}

/**
 * Model parameters already gathered into a record (other conventions' request attributes). With
 * `asServerMapsConventions`, values follow the rule the server applies when it maps these conventions on its OTLP
 * path, so both paths store the same: strings and numbers stay as they are, anything else (boolean, array, object,
 * null) is sent as its JSON text. Without it, the rules of {@link normalizeModelParameters}.
 */
export function normalizeModelParameterRecord(
  parsed: Record<string, unknown>,
  note: Note,
  asServerMapsConventions = false,
): Record<string, ModelParameterValue> | undefined {
  const result: Record<string, ModelParameterValue> = {};
  let count = 0;
  const stringified: string[] = [];
  for (const key in parsed) {
    if (key === '__proto__') continue;
    const item = parsed[key];
    if (asServerMapsConventions && typeof item !== 'string' && typeof item !== 'number') {
      result[key] = JSON.stringify(item) ?? null;
    } else if (
      item === null ||
      typeof item === 'string' ||
      typeof item === 'number' ||
      typeof item === 'boolean' ||
      (Array.isArray(item) && isStringArray(item)) ||
      (isPlainObject(item) && isStringMap(item))
    ) {
      result[key] = item as ModelParameterValue;
    } else {
      result[key] = JSON.stringify(item) ?? null;
      if (stringified.length < 5) stringified.push(key.length <= 40 ? key : `${key.slice(0, 40)}…`);
    }
    count++;
  }
  if (stringified.length > 0) {
    note(
      'model-parameters-stringified',
      `model parameter(s) ${stringified.join(', ')} had a shape the server rejects (not string, number, boolean, string[] or string map); sent as JSON text`,
    );
  }
  return count === 0 ? undefined : result;
}
