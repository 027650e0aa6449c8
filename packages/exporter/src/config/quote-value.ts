/** A short, safe quote of an invalid option value for a warning (`-1`, `"Production!"`, `a function`); never throws. */
export function quoteValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) return String(value);
    if (typeof value === 'function') return 'a function';
    return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
  } catch {
    return 'an unreadable value';
  }
}
