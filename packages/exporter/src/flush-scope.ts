/** Exporters a span processor's flush is running for now (see `duringFlush`), by how many flushes. */
const flushing = new WeakMap<object, number>();

/**
 * Runs `startFlush` (a span processor's `forceFlush()`, which hands its batches to `exporter` at once) with the
 * exporter told that exports now come from a flush, not from inside the `span.end()` that filled a batch: their work
 * may start on the next microtask instead of a later turn of the event loop, which a cold process pays for on the
 * flush a serverless response waits on. Only the synchronous part of `startFlush` counts.
 */
export function duringFlush<T>(exporter: object, startFlush: () => T): T {
  flushing.set(exporter, (flushing.get(exporter) ?? 0) + 1);
  try {
    return startFlush();
  } finally {
    const depth = (flushing.get(exporter) ?? 1) - 1;
    if (depth === 0) flushing.delete(exporter);
    else flushing.set(exporter, depth);
  }
}

/** Whether a flush started with `duringFlush` is handing batches to `exporter` right now. */
export function isFlushing(exporter: object): boolean {
  return flushing.has(exporter);
}
