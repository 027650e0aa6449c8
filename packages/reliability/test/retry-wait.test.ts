import { describe, expect, it } from 'vitest';
import { runChild, tell } from './child-app.js';
import { guardSuite, observe, PUBLIC_KEY, SECRET_KEY, sleep, useSuiteReceiver } from './harness.js';

const SUITE = 'retry-wait';
guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

/** Generous: a loaded machine. Far below the wait it bounds (10-20 s). */
const EXIT_MARGIN_MS = 5_000;

describe('the wait between retry rounds of the legacy path', () => {
  it('ends at shutdown: what was to be resent counts as shutdown when it resolves, and the process exits at once', async () => {
    receiver().reset();
    // Every event of every request fails with 500 in a 207: the delivery resends them after a back-off.
    receiver().faults.push({ eventErrors: { status: 500 }, times: 1_000 });
    const child = await runChild(
      `
const handle = tracing.setupLangfuse({ flushOnExit: false, flushInterval: 0.1, initialRetryDelayMs: 20000, maxRetryDelayMs: 20000, exportTimeoutMs: 60000 });
tracing.langfuse.trace({ name: 'request' }, () => tracing.langfuse.generation({ name: 'llm', model: 'm' }, () => 1));
report({ phase: 'traced' });
await nextCommand();
await handle.shutdown({ timeoutMs: 300 });
report({ phase: 'returned', stats: handle.stats() });
`,
      {
        env: { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: receiver().url },
        killAfterMs: 40_000,
        onMessage: (message, process) => {
          if (message['phase'] !== 'traced') return;
          // Once the first round has its answer, the delivery waits 10-20 s before the next one: shut down then.
          void (async () => {
            while (receiver().requests()[0]?.status !== 207) await sleep(20);
            await sleep(100);
            tell(process, 'go');
          })();
        },
      },
    );
    observe(child.stderr);
    expect(child.signal).toBeNull();
    expect(child.code).toBe(0);
    const index = child.messages.findIndex((m) => m['phase'] === 'returned');
    const returned = child.messages[index] as { stats: { eventsDropped: Record<string, number>; retries: number } };
    expect(returned.stats.eventsDropped).toEqual({ shutdown: 3 });
    expect(returned.stats.retries).toBe(0);
    expect(receiver().requests()).toHaveLength(1);
    expect(child.elapsedMs - child.times[index]!).toBeLessThan(EXIT_MARGIN_MS);
  }, 60_000);
});
