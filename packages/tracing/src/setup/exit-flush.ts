/**
 * Flushes when the event loop empties (`beforeExit`): the batch processor's timer does not keep the process
 * alive, so spans still queued at a normal exit would be lost. The flush's own network work keeps the process
 * running until it is done; `beforeExit` then fires again, and `hasPending` stops a second, empty flush.
 * Not emitted on `process.exit()` or on signals: see `setupLangfuse` for the SIGTERM pattern. The flush is given a
 * deadline by the caller; `afterFlush` then gives up what it could not send, so the process ends.
 * Returns the function that removes the listener.
 */
export function flushBeforeExit(flush: () => Promise<void>, hasPending: () => boolean, afterFlush?: () => void): () => void {
  let flushing = false;
  const listener = (): void => {
    if (flushing || !hasPending()) return;
    flushing = true;
    void flush().finally(() => {
      flushing = false;
      afterFlush?.();
    });
  };
  process.on('beforeExit', listener);
  return () => {
    process.off('beforeExit', listener);
  };
}
