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

/**
 * A serializer whose size budget is shared by every value it serializes. The careful writer is made only for
 * the first value that needs it (most values are strings or plain data); from then on it keeps the count.
 */
class BudgetedSerializer implements Serializer {
  private used = 0;
  private writer: JsonWriter | undefined;

  constructor(
    private readonly maxChars: number,
    private readonly maxDepth: number,
  ) {}

  serialize(value: unknown): string | undefined {
    if (typeof value === 'string') return value.length <= this.remaining ? this.count(value) : this.careful().text(value);
    if (typeof value === 'object' && value !== null) {
      const plain = plainJson(value, this.remaining, this.maxDepth);
      if (plain !== undefined) return this.count(plain);
    }
    return writeCarefully(this.careful(), value);
  }

  private get remaining(): number {
    return this.writer === undefined ? this.maxChars - this.used : this.writer.remaining;
  }

  private count(text: string): string {
    if (this.writer !== undefined) return this.writer.accept(text);
    this.used += text.length;
    return text;
  }

  /** Started with what is left, the writer's budget goes on from what the fast path used. */
  private careful(): JsonWriter {
    return (this.writer ??= new JsonWriter(this.maxChars - this.used, this.maxDepth));
  }
}

export function createSerializer(maxChars: number = SERIALIZE_MAX_CHARS, maxDepth: number = SERIALIZE_MAX_DEPTH): Serializer {
  return new BudgetedSerializer(maxChars, maxDepth);
}

/** `createSerializer().serialize(value)`: never throws, never walks more than the size and depth bounds. */
export function serializeValue(value: unknown): string | undefined {
  return createSerializer().serialize(value);
}

/** Anything but a string (or plain data that fit), written by the careful writer. */
function writeCarefully(writer: JsonWriter, value: unknown): string | undefined {
  try {
    return writer.write(value, 0);
  } catch {
    return JSON.stringify(UNSERIALIZABLE);
  }
}
