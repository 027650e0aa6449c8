/** `object[key]`, or undefined when the object is not one or the property getter (or a Proxy trap) throws. */
export function safeRead(object: unknown, key: string): unknown {
  if (!isReadable(object)) return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A non-empty string as it is, a finite number or boolean as text; anything else undefined. */
export function stringField(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Plain data object (`{}` or `Object.create(null)`), not an array, Map, Date or class instance. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/** An object or a function: something whose properties can be read. */
export function isReadable(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
