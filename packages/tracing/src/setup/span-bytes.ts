import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * About what a span's attributes hold in memory: the length of each key and string (the large ones are JSON text
 * and base64 media), 8 for any other value. Cheap enough for every span end: no serialization.
 */
export function attributeBytes(span: ReadableSpan): number {
  let bytes = 0;
  const attributes = span.attributes;
  for (const key in attributes) {
    const value = attributes[key];
    bytes += key.length;
    if (typeof value === 'string') bytes += value.length;
    else if (Array.isArray(value)) for (const item of value) bytes += typeof item === 'string' ? item.length : 8;
    else bytes += 8;
  }
  return bytes;
}
