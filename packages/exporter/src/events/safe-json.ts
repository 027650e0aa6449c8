/**
 * JSON.stringify that never throws: the fast path is plain JSON.stringify; only when that fails (a cycle or a BigInt
 * inside a value returned by a user's `mask`, say) does it fall back to a replacer that breaks cycles and writes
 * BigInts as strings.
 */
export function safeJsonStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    const seen = new WeakSet<object>();
    try {
      return (
        JSON.stringify(value, (_key, v: unknown) => {
          if (typeof v === 'bigint') return v.toString();
          if (typeof v === 'object' && v !== null) {
            if (seen.has(v)) return '[Circular]';
            seen.add(v);
          }
          return v;
        }) ?? 'null'
      );
    } catch (error) {
      return JSON.stringify(`[unserializable: ${error instanceof Error ? error.name : 'error'}]`);
    }
  }
}
