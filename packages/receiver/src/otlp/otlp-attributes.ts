import type { OtlpKeyValue, OtlpValue } from './otlp-model.js';
import type { SpanAttributes, SpanAttributeValue } from './readable-span.js';

// OTLP AnyValue -> the attribute values an SDK span holds: a string, number, boolean or a homogeneous array of one
// of them (null for an empty element). Values an SDK span cannot hold (a key-value list, bytes, a nested or mixed
// array) become a JSON string, which the mapping reads as it reads JSON-string attributes; bytes become base64.

type Primitive = string | number | boolean;

export function toSpanAttributes(keyValues: readonly OtlpKeyValue[]): SpanAttributes {
  const attributes: SpanAttributes = {};
  for (const { key, value } of keyValues) {
    const converted = toAttributeValue(value);
    if (converted === undefined) continue;
    // A hostile `__proto__` key must become an own property, not replace the object's prototype.
    if (key === '__proto__') Object.defineProperty(attributes, key, { value: converted, enumerable: true, writable: true, configurable: true });
    else attributes[key] = converted;
  }
  return attributes;
}

/** undefined for an empty AnyValue: the attribute is left out, as an SDK leaves out an undefined value. */
export function toAttributeValue(value: OtlpValue): SpanAttributeValue | undefined {
  switch (value.kind) {
    case 'empty':
      return undefined;
    case 'array':
      return homogeneousArray(value.values) ?? JSON.stringify(toPlain(value));
    case 'kvlist':
      return JSON.stringify(toPlain(value));
    case 'bytes':
      return Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength).toString('base64');
    default:
      return primitive(value);
  }
}

function primitive(value: Extract<OtlpValue, { kind: 'string' | 'bool' | 'int' | 'double' }>): Primitive {
  switch (value.kind) {
    case 'int':
      // The SDK sends a JS number; Number() gives back that same double, even beyond 2^53.
      return Number(value.value);
    default:
      return value.value;
  }
}

function homogeneousArray(values: readonly OtlpValue[]): SpanAttributeValue | undefined {
  let type: 'string' | 'number' | 'boolean' | undefined;
  const result: (Primitive | null)[] = [];
  for (const element of values) {
    if (element.kind === 'empty') {
      result.push(null);
      continue;
    }
    if (element.kind !== 'string' && element.kind !== 'bool' && element.kind !== 'int' && element.kind !== 'double') {
      return undefined;
    }
    const converted = primitive(element);
    const elementType = typeof converted as 'string' | 'number' | 'boolean';
    if (type !== undefined && type !== elementType) return undefined;
    type = elementType;
    result.push(converted);
  }
  return result as SpanAttributeValue;
}

/** A JSON-able view of any value (int64 beyond 2^53 as a decimal string, bytes as base64, empty as null). */
export function toPlain(value: OtlpValue): unknown {
  switch (value.kind) {
    case 'empty':
      return null;
    case 'int':
      return value.value >= BigInt(Number.MIN_SAFE_INTEGER) && value.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value.value)
        : value.value.toString();
    case 'bytes':
      return Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength).toString('base64');
    case 'array':
      return value.values.map(toPlain);
    case 'kvlist': {
      const object: Record<string, unknown> = {};
      for (const { key, value: element } of value.values) {
        if (key === '__proto__') Object.defineProperty(object, key, { value: toPlain(element), enumerable: true, writable: true, configurable: true });
        else object[key] = toPlain(element);
      }
      return object;
    }
    default:
      return value.value;
  }
}
