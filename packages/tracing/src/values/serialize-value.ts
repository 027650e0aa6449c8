/** Bounds of one serialized value (and of all metadata values of one call together). */
export const SERIALIZE_MAX_CHARS = 1_000_000;
export const SERIALIZE_MAX_DEPTH = 20;

export const CIRCULAR = '[Circular]';
export const UNSERIALIZABLE = '[Unserializable]';
export const MAX_DEPTH = '[Max depth]';

export interface Serializer {
  /** A string as it is; anything else as bounded JSON; undefined for what JSON drops (undefined, functions, symbols). */
  serialize(value: unknown): string | undefined;
}

/** A serializer whose size budget is shared by every value it serializes. */
export function createSerializer(maxChars: number = SERIALIZE_MAX_CHARS, maxDepth: number = SERIALIZE_MAX_DEPTH): Serializer {
  const writer = new JsonWriter(maxChars, maxDepth);
  return {
    serialize(value) {
      if (typeof value === 'string') return value;
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

const OPAQUE_TAGS = new Set(['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Generator', 'AsyncGenerator']);

function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * Writes JSON text directly (no intermediate tree), so the size bound counts real output characters and a
 * `__proto__` key stays an ordinary key. Every node is read inside try/catch: getters and Proxy traps may throw.
 */
class JsonWriter {
  private size = 0;
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly maxChars: number,
    private readonly maxDepth: number,
  ) {}

  private get remaining(): number {
    return this.maxChars - this.size;
  }

  private emit(text: string): string {
    this.size += text.length;
    return text;
  }

  write(value: unknown, depth: number): string | undefined {
    switch (typeof value) {
      case 'string':
        return this.emit(quote(this.bounded(value)));
      case 'number':
        return this.emit(Number.isFinite(value) ? String(value) : quote(String(value)));
      case 'boolean':
        return this.emit(String(value));
      case 'bigint':
        return this.emit(quote(value.toString()));
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return this.emit('null');
    const object = value as object;
    if (depth >= this.maxDepth) return this.emit(quote(MAX_DEPTH));
    if (this.ancestors.has(object)) return this.emit(quote(CIRCULAR));
    this.ancestors.add(object);
    try {
      return this.writeObject(object, depth);
    } catch {
      return this.emit(quote(UNSERIALIZABLE));
    } finally {
      this.ancestors.delete(object);
    }
  }

  private bounded(text: string): string {
    const room = Math.max(0, this.remaining - 2);
    if (text.length <= room) return text;
    return `${text.slice(0, room)}...[truncated ${text.length - room} chars]`;
  }

  private writeObject(object: object, depth: number): string | undefined {
    if (object instanceof Date) {
      const time = object.getTime();
      return this.emit(quote(Number.isNaN(time) ? 'Invalid Date' : object.toISOString()));
    }
    if (ArrayBuffer.isView(object)) return this.emit(quote(`[${binaryName(object)} ${object.byteLength} bytes]`));
    if (object instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && object instanceof SharedArrayBuffer)) {
      return this.emit(quote(`[${tagOf(object)} ${object.byteLength} bytes]`));
    }
    if (object instanceof Error) return this.writeError(object, depth);
    if (object instanceof Map) return this.writeMap(object, depth);
    if (object instanceof Set) return this.writeArray([...object], depth);
    if (object instanceof RegExp) return this.emit(quote(String(object)));
    if (object instanceof String || object instanceof Number || object instanceof Boolean) {
      return this.write(object.valueOf(), depth);
    }
    const tag = tagOf(object);
    if (OPAQUE_TAGS.has(tag)) return this.emit(quote(`[${tag}]`));
    if (Array.isArray(object)) return this.writeArray(object, depth);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const replacement: unknown = toJSON.call(object, '');
      // A toJSON that returns its own object would loop: write that object's fields instead.
      if (replacement !== object) return this.write(replacement, depth);
    }
    const keys = Object.keys(object);
    return this.writeFields(keys.length, (i) => keys[i]!, (i) => (object as Record<string, unknown>)[keys[i]!], depth);
  }

  private writeError(error: Error, depth: number): string {
    const fields: [string, () => unknown][] = [
      ['name', () => error.name],
      ['message', () => error.message],
      ['stack', () => error.stack],
    ];
    for (const key of Object.keys(error)) {
      if (key !== 'name' && key !== 'message' && key !== 'stack') fields.push([key, () => (error as unknown as Record<string, unknown>)[key]]);
    }
    if (Object.prototype.hasOwnProperty.call(error, 'cause') && !Object.keys(error).includes('cause')) {
      fields.push(['cause', () => (error as { cause?: unknown }).cause]);
    }
    return this.writeFields(fields.length, (i) => fields[i]![0], (i) => fields[i]![1](), depth);
  }

  private writeMap(map: Map<unknown, unknown>, depth: number): string {
    const entries = [...map];
    const primitiveKeys = entries.every(([key]) => ['string', 'number', 'boolean', 'bigint'].includes(typeof key));
    if (primitiveKeys) return this.writeFields(entries.length, (i) => String(entries[i]![0]), (i) => entries[i]![1], depth);
    return this.writeArray(entries, depth);
  }

  private writeArray(items: readonly unknown[], depth: number): string {
    const parts: string[] = [];
    this.emit('[]');
    const length = items.length;
    for (let i = 0; i < length; i++) {
      if (this.remaining <= 0) {
        parts.push(this.emit(quote(`[truncated: ${length - i} more items]`)));
        break;
      }
      let item: string | undefined;
      try {
        item = this.write(items[i], depth + 1);
      } catch {
        item = this.emit(quote(UNSERIALIZABLE));
      }
      parts.push(item ?? this.emit('null'));
      this.emit(',');
    }
    return `[${parts.join(',')}]`;
  }

  private writeFields(count: number, keyAt: (i: number) => string, valueAt: (i: number) => unknown, depth: number): string {
    const parts: string[] = [];
    this.emit('{}');
    for (let i = 0; i < count; i++) {
      const key = keyAt(i);
      if (this.remaining <= 0) {
        parts.push(`${this.emit(quote('[truncated]'))}:${this.emit(quote(`${count - i} more keys`))}`);
        break;
      }
      let value: string | undefined;
      try {
        value = this.write(valueAt(i), depth + 1);
      } catch {
        value = this.emit(quote(UNSERIALIZABLE));
      }
      if (value === undefined) continue;
      parts.push(`${this.emit(quote(this.bounded(key)))}:${value}`);
      this.emit(',:');
    }
    return `{${parts.join(',')}}`;
  }
}

function binaryName(view: ArrayBufferView): string {
  try {
    const name = (view as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return name.slice(0, 40);
  } catch {
    // fall through to the tag
  }
  return tagOf(view);
}
