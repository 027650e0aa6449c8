/** Each enabled exporter's `maxBufferedBytes`, for the span processor in front of it (see `bufferedBytesCapOf`). */
const caps = new WeakMap<object, number>();

export function registerBufferedBytesCap(exporter: object, bytes: number): void {
  caps.set(exporter, bytes);
}

/** The `maxBufferedBytes` an exporter resolved (options, env, default); undefined for a disabled one. */
export function bufferedBytesCapOf(exporter: object): number | undefined {
  return caps.get(exporter);
}
