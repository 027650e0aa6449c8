// How the demo's services stop: on SIGTERM or SIGINT, and when the demo that started them is gone (their stdin is a
// pipe from it: it closes when the demo exits, however it exits). `stop` stops taking work and delivers what is queued;
// then the process exits. A stop that hangs is cut after STOP_WITHIN_MS.
import { fstatSync } from 'node:fs';

const STOP_WITHIN_MS = 10_000;

export function exitOnShutdown(stop) {
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), STOP_WITHIN_MS).unref();
    void Promise.resolve()
      .then(stop)
      .catch((error) => console.error(`shutdown: ${error?.message ?? error}`))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  let stdinIsPipe = false;
  try {
    // A pipe from the parent (Node makes it a socket pair), not a terminal nor /dev/null.
    const stdin = fstatSync(0);
    stdinIsPipe = stdin.isFIFO() || stdin.isSocket();
  } catch {
    // no stdin at all
  }
  if (stdinIsPipe) {
    process.stdin.once('end', shutdown);
    process.stdin.once('error', shutdown);
    process.stdin.resume();
  }
}
