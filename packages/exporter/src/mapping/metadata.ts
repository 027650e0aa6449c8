import type { AttributeValue } from '@opentelemetry/api';
import { isPlainObject, parseJsonAttribute } from './json-attribute.js';
import type { Note } from './notes.js';
import type { SpanAttributes } from './span-attributes.js';

export interface ScopeInfo {
  name: string;
  version?: string;
}

/** Metadata must be an object on the wire; any other value is kept under the key `metadata`, as the server does. */
export function toMetadataRecord(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  return isPlainObject(value) ? value : { metadata: value };
}

/**
 * User metadata: the JSON object attribute `jsonName` merged with the per-key attributes `<jsonName>.<key>`
 * (per-key values win; string values that are JSON are parsed).
 */
export function readMetadata(
  attributes: SpanAttributes,
  jsonName: string,
  prefixedKeys: readonly string[],
  note: Note,
): Record<string, unknown> | undefined {
  const whole = attributes.get(jsonName);
  if (whole === undefined && prefixedKeys.length === 0) return undefined;
  const result: Record<string, unknown> = {};
  let empty = true;
  if (whole !== undefined) {
    const parsed = parseJsonAttribute(whole);
    if (isPlainObject(parsed)) {
      for (const key in parsed) {
        if (key === '__proto__') continue;
        result[key] = parsed[key];
        empty = false;
      }
    } else if (parsed !== null) {
      note('metadata-invalid', `${jsonName} is not a JSON object; kept under the metadata key "metadata"`);
      result['metadata'] = parsed;
      empty = false;
    }
  }
  const prefixLength = jsonName.length + 1;
  for (const name of prefixedKeys) {
    const key = name.slice(prefixLength);
    const value = attributes.get(name);
    if (key === '' || key === '__proto__' || value === undefined) continue;
    result[key] = parseJsonAttribute(value);
    empty = false;
  }
  return empty ? undefined : result;
}

/**
 * Observation metadata: the user's keys, then (when non-empty and not taken by a user key) what helps
 * debugging without repeating mapped fields: the span's other non-`langfuse.*` attributes, a compact subset
 * of the resource, and the instrumentation scope.
 */
export function addDebugContext(
  metadata: Record<string, unknown> | undefined,
  attributes: SpanAttributes,
  resourceAttributes: Record<string, AttributeValue> | undefined,
  scope: ScopeInfo | undefined,
): Record<string, unknown> | undefined {
  let foreign: Record<string, AttributeValue> | undefined;
  for (const key of attributes.foreignKeys) {
    if (attributes.isConsumed(key)) continue;
    const value = attributes.values[key];
    if (value !== undefined && key !== '__proto__') {
      (foreign ??= {})[key] = Array.isArray(value) ? (value.slice() as AttributeValue) : value;
    }
  }
  if (foreign === undefined && resourceAttributes === undefined && scope === undefined) return metadata;
  const result = metadata ?? {};
  if (foreign !== undefined && !('attributes' in result)) result['attributes'] = foreign;
  // Copies of the cached objects: a mask may edit metadata in place.
  if (resourceAttributes !== undefined && !('resourceAttributes' in result)) {
    result['resourceAttributes'] = { ...resourceAttributes };
  }
  if (scope !== undefined && !('scope' in result)) result['scope'] = { ...scope };
  return result;
}
