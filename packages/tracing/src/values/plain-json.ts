/**
 * The fast path of serialization: a value made only of plain objects, arrays, finite numbers, strings, booleans
 * and null (what most inputs and outputs are: chat messages, parsed JSON) goes through `JSON.stringify` as it is.
 * Anything else (cycles, BigInt, Map, Date, class instances, toJSON, getters that throw, Proxies, too deep or too
 * big) returns undefined and takes the careful `JsonWriter` path instead.
 */
export function plainJson(value: unknown, maxChars: number, maxDepth: number): string | undefined {
  try {
    if (!isPlain(value, 0, maxDepth, new Set())) return undefined;
    const text = JSON.stringify(value);
    return text !== undefined && text.length <= maxChars ? text : undefined;
  } catch {
    return undefined;
  }
}

function isPlain(value: unknown, depth: number, maxDepth: number, ancestors: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= maxDepth || ancestors.has(value)) return false;
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlain(value[i], depth + 1, maxDepth, ancestors)) return false;
  } else {
    const prototype = Object.getPrototypeOf(value);
    if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return false;
    for (const key of Object.keys(value)) {
      if (!isPlain((value as Record<string, unknown>)[key], depth + 1, maxDepth, ancestors)) return false;
    }
  }
  ancestors.delete(value);
  return true;
}
