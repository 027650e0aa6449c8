import type { Attributes } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import { applyMask, MASK_FAILED, type MaskField } from './mask.js';
import { isPlainRecord } from './safe-read.js';
import { createSerializer, serializeValue, type Serializer } from './serialize-value.js';

/** Above this many keys metadata is written as one JSON attribute, keeping spans under OTel's attribute count limit. */
export const MAX_METADATA_KEYS = 32;

/** Sets `name` to the masked, serialized value (nothing for undefined or a mask that dropped it). */
export function setMaskedValue(
  attributes: Attributes,
  name: string,
  value: unknown,
  field: Exclude<MaskField, 'metadata'>,
  mask: MaskFunction | undefined,
): void {
  if (value === undefined) return;
  const serialized = serializeValue(applyMask(mask, value, field));
  if (serialized !== undefined) attributes[name] = serialized;
}

/**
 * Metadata, masked as one object: each key as `<name>.<key>` (strings as they are, the rest as JSON), or, for
 * anything that is not a small plain object, the whole value as JSON under `name`. One size budget for all keys.
 */
export function setMetadata(attributes: Attributes, name: string, metadata: unknown, mask: MaskFunction | undefined): void {
  if (metadata === undefined || metadata === null) return;
  const masked = applyMask(mask, metadata, 'metadata');
  if (masked === MASK_FAILED) {
    attributes[name] = MASK_FAILED;
    return;
  }
  const serializer = createSerializer();
  const keys = isPlainRecord(masked) ? safeKeys(masked) : undefined;
  if (keys !== undefined && keys.length <= MAX_METADATA_KEYS) {
    for (const key of keys) setKey(attributes, `${name}.${key}`, masked as Record<string, unknown>, key, serializer);
    return;
  }
  const whole = serializer.serialize(masked);
  if (whole !== undefined) attributes[name] = whole;
}

function setKey(attributes: Attributes, name: string, record: Record<string, unknown>, key: string, serializer: Serializer): void {
  if (key === '') return;
  let value: unknown;
  try {
    value = record[key];
  } catch {
    value = '[Unserializable]';
  }
  const serialized = serializer.serialize(value);
  if (serialized !== undefined) attributes[name] = serialized;
}

function safeKeys(record: Record<string, unknown>): string[] | undefined {
  try {
    return Object.keys(record);
  } catch {
    return undefined;
  }
}
