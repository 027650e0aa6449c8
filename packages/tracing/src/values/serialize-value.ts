import { JsonWriter, UNSERIALIZABLE } from './json-writer.js';
import { plainJson } from './plain-json.js';

/** Bounds of one serialized value (and of all metadata values of one call together). */
export const SERIALIZE_MAX_CHARS = 1_000_000;
export const SERIALIZE_MAX_DEPTH = 20;

export interface Serializer {
  /**
   * A string as it is (cut, with a marker, beyond the budget); anything else as bounded JSON; undefined for
   * what JSON drops (undefined, functions, symbols).
   */
  serialize(value: unknown): string | undefined;
}

/** A serializer whose size budget is shared by every value it serializes. */
export function createSerializer(maxChars: number = SERIALIZE_MAX_CHARS, maxDepth: number = SERIALIZE_MAX_DEPTH): Serializer {
  const writer = new JsonWriter(maxChars, maxDepth);
  return {
    serialize(value) {
      if (typeof value === 'string') return writer.text(value);
      const plain = typeof value === 'object' && value !== null ? plainJson(value, writer.remaining, maxDepth) : undefined;
      if (plain !== undefined) return writer.accept(plain);
      try {
        return writer.write(value, 0);
      } catch {
        return JSON.stringify(UNSERIALIZABLE);
      }
    },
  };
}

/** `createSerializer().serialize(value)`: never throws, never walks more than the size and depth bounds. */
export function serializeValue(value: unknown): string | undefined {
  return createSerializer().serialize(value);
}
