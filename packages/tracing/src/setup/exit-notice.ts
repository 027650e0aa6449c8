/** Signals whose default action ends the process without an `exit` event. */
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

const AVOID = "call `await tracing.shutdown()` before exiting, e.g. process.once('SIGTERM', () => void tracing.shutdown().finally(() => process.exit(0)))";

/** The one line printed when the process ends with spans not sent. */
export function unsentAtExitLine(count: number, cause: string): string {
  return `[@otel-langfuse/tracing] ${count} span${count === 1 ? '' : 's'} not sent to Langfuse: the process ended (${cause}) before they were flushed. To avoid it, ${AVOID}`;
}

/**
 * Says, in one line on stderr, how many spans are lost when the process ends before they were sent: on
 * `process.exit()`, an uncaught exception, or a signal nobody else handles. Printed directly: the process is ending,
 * so a logger that writes later would never write. For a signal only this listener handles, the signal is raised
 * again once the line is out, so the process ends as it would have. Returns the function that removes the listeners.
 */
export function noticeUnsentAtExit(unsent: () => number): () => void {
  let uncaught = false;
  let said = false;
  const say = (cause: string): void => {
    if (said) return;
    said = true;
    try {
      const count = unsent();
      if (count > 0) console.error(unsentAtExitLine(count, cause));
    } catch {
      // Never in the way of an exit.
    }
  };
  const onUncaught = (): void => {
    uncaught = true;
  };
  const onExit = (code: number): void => say(uncaught ? 'an uncaught exception' : `exit code ${code}`);
  const onSignal = (signal: NodeJS.Signals): void => {
    // Someone else handles the signal and decides when to exit (the `exit` listener speaks then).
    if (process.listenerCount(signal) > 1) return;
    say(signal);
    remove();
    process.kill(process.pid, signal);
  };
  const remove = (): void => {
    process.off('exit', onExit);
    process.off('uncaughtExceptionMonitor', onUncaught);
    for (const signal of FATAL_SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);
  for (const signal of FATAL_SIGNALS) process.on(signal, onSignal);
  return remove;
}
