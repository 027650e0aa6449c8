import { MEDIA_BUDGET_CHARS, MediaAllowance, readMedia, type ReadMedia } from './media-value.js';

export const CIRCULAR = '[Circular]';
export const UNSERIALIZABLE = '[Unserializable]';
export const MAX_DEPTH = '[Max depth]';

const OPAQUE_TAGS = new Set(['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Generator', 'AsyncGenerator']);

/** One object field: its key and how to read its value (a getter may throw). */
type Field = readonly [key: string, read: () => unknown];

/** Thrown by `mapFields` to switch a Map to the array-of-entries form. */
const OBJECT_KEY = Symbol('a Map key that is not a primitive');

function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function* arrayItems(array: readonly unknown[]): Generator<() => unknown> {
  const length = array.length;
  for (let i = 0; i < length; i++) yield () => array[i];
}

function* iterableItems(iterable: Iterable<unknown>): Generator<() => unknown> {
  for (const item of iterable) yield () => item;
}

function* objectFields(object: object, keys: readonly string[]): Generator<Field> {
  for (const key of keys) yield [key, () => (object as Record<string, unknown>)[key]];
}

function* mapFields(map: Map<unknown, unknown>): Generator<Field> {
  for (const [key, value] of map) {
    if (!['string', 'number', 'boolean', 'bigint'].includes(typeof key)) throw OBJECT_KEY;
    yield [String(key), () => value];
  }
}

/**
 * Writes JSON text directly (no intermediate tree), so the size bound counts real output characters and a
 * `__proto__` key stays an ordinary key. Every node is read inside try/catch: getters and Proxy traps may throw.
 * Collections are read lazily, only as far as the budget reaches.
 */
export class JsonWriter {
  private size = 0;
  private readonly ancestors = new Set<object>();
  private readonly media = new MediaAllowance();

  constructor(
    private readonly maxChars: number,
    private readonly maxDepth: number,
  ) {}

  /** Characters left in the budget. */
  get remaining(): number {
    return this.maxChars - this.size;
  }

  /** Counts text made elsewhere (the plain-JSON fast path) against the budget. */
  accept(text: string): string {
    return this.emit(text);
  }

  private emit(text: string): string {
    this.size += text.length;
    return text;
  }

  /** A bare (unquoted) string within the budget. */
  text(value: string): string {
    return this.emit(this.bounded(value, 0));
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

  /** `text` cut to the budget left, less `reserve` characters (quotes), with a marker. */
  private bounded(text: string, reserve = 2): string {
    const room = Math.max(0, this.remaining - reserve);
    if (text.length <= room) return text;
    return `${text.slice(0, room)}...[truncated ${text.length - room} chars]`;
  }

  private writeObject(object: object, depth: number): string | undefined {
    const media = readMedia(object);
    if (media !== undefined) return this.writeMedia(media);
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
    if (object instanceof Set) return this.writeArray(iterableItems(object), object.size, depth);
    if (object instanceof RegExp) return this.emit(quote(String(object)));
    if (object instanceof String || object instanceof Number || object instanceof Boolean) {
      return this.write(object.valueOf(), depth);
    }
    const tag = tagOf(object);
    if (OPAQUE_TAGS.has(tag)) return this.emit(quote(`[${tag}]`));
    if (Array.isArray(object)) return this.writeArray(arrayItems(object), object.length, depth);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const replacement: unknown = toJSON.call(object, '');
      // A toJSON that returns its own object would loop: write that object's fields instead. One level
      // deeper, so a chain of toJSON results, each a new object, ends at the depth bound.
      if (replacement !== object) return this.write(replacement, depth + 1);
    }
    const keys = Object.keys(object);
    return this.writeFields(objectFields(object, keys), keys.length, depth);
  }

  /**
   * A `LangfuseMedia`: its data URI whole (the exporter replaces it by a reference before anything is sent), counted
   * as that reference's length; a marker (invalid media, or over the value's media limit) like any string.
   */
  private writeMedia(media: ReadMedia): string {
    const admitted = this.media.admit(media, this.remaining);
    if (!admitted.media) return this.emit(quote(this.bounded(admitted.text)));
    this.size += MEDIA_BUDGET_CHARS;
    // A data URI made by this copy's own LangfuseMedia method and matching the strict pattern has nothing JSON
    // escapes: quoted without a copy. Anything else is escaped as any string.
    return media.trusted ? `"${admitted.text}"` : quote(admitted.text);
  }

  private writeError(error: Error, depth: number): string {
    const fields: Field[] = [
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
    return this.writeFields(fields, fields.length, depth);
  }

  /** An object when every key is a primitive, else an array of `[key, value]` entries. */
  private writeMap(map: Map<unknown, unknown>, depth: number): string {
    const start = this.size;
    try {
      return this.writeFields(mapFields(map), map.size, depth);
    } catch (signal) {
      if (signal !== OBJECT_KEY) throw signal;
      this.size = start;
      return this.writeArray(iterableItems(map), map.size, depth);
    }
  }

  /** `total`: how many items there are, for the marker when the budget ends the array early. */
  private writeArray(items: Iterable<() => unknown>, total: number, depth: number): string {
    const parts: string[] = [];
    this.emit('[]');
    let written = 0;
    for (const read of items) {
      if (this.remaining <= 0) break;
      let item: string | undefined;
      try {
        item = this.write(read(), depth + 1);
      } catch {
        item = this.emit(quote(UNSERIALIZABLE));
      }
      parts.push(item ?? this.emit('null'));
      this.emit(',');
      written++;
    }
    if (written < total) parts.push(this.emit(quote(`[truncated: ${total - written} more items]`)));
    return `[${joined(parts)}]`;
  }

  private writeFields(fields: Iterable<Field>, total: number, depth: number): string {
    const parts: string[] = [];
    this.emit('{}');
    let seen = 0;
    for (const [key, read] of fields) {
      if (this.remaining <= 0) break;
      seen++;
      // The key first, so a value that fills the budget is cut rather than the key.
      const start = this.size;
      const keyText = this.emit(quote(this.bounded(key)));
      this.emit(',:');
      let value: string | undefined;
      try {
        value = this.write(read(), depth + 1);
      } catch {
        value = this.emit(quote(UNSERIALIZABLE));
      }
      if (value === undefined) this.size = start;
      else parts.push(`${keyText}:${value}`);
    }
    if (seen < total) parts.push(`${this.emit(quote('[truncated]'))}:${this.emit(quote(`${total - seen} more keys`))}`);
    return `{${joined(parts)}}`;
  }
}

/**
 * `parts` joined by commas through string concatenation, which V8 keeps as a rope: a long part (a media data URI)
 * is not copied again at each level of nesting, as `join` would; whoever reads the text flattens it once (the
 * exporter, off the request path).
 */
function joined(parts: readonly string[]): string {
  let text = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) text = `${text},${parts[i]!}`;
  return text;
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
