/**
 * Nodes the fast path checks at most. Beyond it the value takes the careful writer, which also bounds how far a
 * cycle is followed: the check keeps no set of ancestors, so a cycle ends at the depth bound or at this budget.
 */
export const PLAIN_JSON_MAX_NODES = 10_000;

/** What `remainingNodes` returns for a value that is not plain (or too deep, too big, or cyclic). */
const NOT_PLAIN = -1;

/**
 * The fast path of serialization: a value made only of plain objects, arrays, finite numbers, strings, booleans
 * and null (what most inputs and outputs are: chat messages, parsed JSON) goes through `JSON.stringify` as it is.
 * Anything else (cycles, BigInt, Map, Date, class instances, toJSON, getters that throw, Proxies, too deep or too
 * big) returns undefined and takes the careful `JsonWriter` path instead.
 */
export function plainJson(value: unknown, maxChars: number, maxDepth: number): string | undefined {
  try {
    if (remainingNodes(value, 0, maxDepth, PLAIN_JSON_MAX_NODES) === NOT_PLAIN) return undefined;
    const text = JSON.stringify(value);
    return text !== undefined && text.length <= maxChars ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The node budget left after checking `value`, or `NOT_PLAIN`. Passing the budget through the recursion (rather
 * than keeping it in shared state) keeps a getter that serializes something else from disturbing the count.
 */
function remainingNodes(value: unknown, depth: number, maxDepth: number, budget: number): number {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return budget;
    case 'number':
      return Number.isFinite(value) ? budget : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return budget;
  if (depth >= maxDepth || budget <= 0) return NOT_PLAIN;
  let left = budget - 1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && left !== NOT_PLAIN; i++) left = remainingNodes(value[i], depth + 1, maxDepth, left);
    return left;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return NOT_PLAIN;
  // for-in, unlike Object.keys, allocates no array. It also visits inherited enumerable keys (only a polluted
  // Object.prototype has any): JSON.stringify ignores those, and at worst they send the value the careful way,
  // whose output for plain data is the same.
  for (const key in value) {
    left = remainingNodes((value as Record<string, unknown>)[key], depth + 1, maxDepth, left);
    if (left === NOT_PLAIN) return NOT_PLAIN;
  }
  return left;
}
