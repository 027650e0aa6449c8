import { describe, expect, it } from 'vitest';
import { runChild, type ChildResult } from './child-app.js';
import { freePort, guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, useSuiteReceiver } from './harness.js';

const SUITE = 'bounded-flush';
guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

/** Langfuse as the app sees it: down (closed port), hanging, slow (1 s per request) or answering 503. */
type Fault = 'closed port' | 'hang' | 'slow' | '503';

async function langfuseUrl(fault: Fault): Promise<string> {
  receiver().reset();
  if (fault === 'closed port') return `http://127.0.0.1:${await freePort()}`;
  receiver().faults.push(fault === 'hang' ? { hang: true, times: 1_000 } : fault === 'slow' ? { delayMs: 1_000, times: 1_000 } : { status: 503, times: 1_000 });
  return receiver().url;
}

const env = (url: string) => ({ LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: url });

/** One trace of two spans, as a request would make. */
const ONE_TRACE = `tracing.langfuse.trace({ name: 'request' }, () => tracing.langfuse.generation({ name: 'llm', model: 'm' }, () => 1));`;

const UNSENT_LINE = /\[@otel-langfuse\/tracing\] 2 spans not sent to Langfuse: the process ended \(([^)]+)\) before they were flushed\. To avoid it, call `await tracing\.shutdown\(\)` before exiting/;

function messageOf(child: ChildResult, key: string): Record<string, unknown> | undefined {
  return child.messages.find((m) => key in m);
}

/** Generous: the deadline plus two seconds for a loaded machine. */
const MARGIN_MS = 2_000;

describe('forceFlush() with its default deadline (the serverless path)', () => {
  for (const fault of ['closed port', 'hang', 'slow', '503'] as const) {
    it(`${fault}: resolves within 2.5 s, what was not sent is counted, nothing is thrown`, async () => {
      const url = await langfuseUrl(fault);
      const child = await runChild(
        `
process.on('unhandledRejection', (reason) => report({ unhandled: String(reason) }));
const handle = tracing.setupLangfuse({ flushOnExit: false });
${ONE_TRACE}
const started = Date.now();
await handle.forceFlush();
report({ flushMs: Date.now() - started, stats: handle.stats() });
await handle.shutdown({ timeoutMs: 200 });
`,
        { env: env(url), killAfterMs: 30_000 },
      );
      observe(child.stderr);
      expect(child.code).toBe(0);
      expect(messageOf(child, 'unhandled')).toBeUndefined();
      const flushed = messageOf(child, 'flushMs') as { flushMs: number; stats: { eventsSent: number; eventsDropped: Record<string, number> } };
      expect(flushed.flushMs).toBeLessThan(2_500 + MARGIN_MS);
      const { eventsSent, eventsDropped } = flushed.stats;
      // Every event is accounted for: sent (the slow server answers within the deadline) or dropped at the deadline.
      if (fault === 'slow') expect(eventsSent).toBe(3);
      else expect(eventsDropped).toEqual({ 'flush-deadline': 3 });
      recordFigures({ suite: SUITE, case: `forceFlush(), ${fault}`, faults: fault, events: 3, stored: receiver().events().length, duplicated: 0, deadLettered: 0, lost: 0, note: `flush ${flushed.flushMs} ms` });
    }, 40_000);
  }

  it('an explicit { timeoutMs } is the bound, and the real cause is named, never the abort', async () => {
    const url = await langfuseUrl('closed port');
    const child = await runChild(
      `
const handle = tracing.setupLangfuse({ flushOnExit: false });
${ONE_TRACE}
const started = Date.now();
await handle.forceFlush({ timeoutMs: 800 });
report({ flushMs: Date.now() - started });
`,
      { env: env(url), killAfterMs: 30_000 },
    );
    observe(child.stderr);
    expect((messageOf(child, 'flushMs') as { flushMs: number }).flushMs).toBeLessThan(800 + MARGIN_MS);
    expect(child.stderr).toContain('ECONNREFUSED');
    expect(child.stderr).not.toContain('ERR_ABORTED');
  }, 40_000);
});

describe('the process ends on time, and says what it did not send', () => {
  for (const fault of ['closed port', 'hang'] as const) {
    it(`${fault}: an app that just ends exits within shutdownTimeoutMs`, async () => {
      const url = await langfuseUrl(fault);
      const child = await runChild(
        `
tracing.setupLangfuse({ shutdownTimeoutMs: 1000, exportTimeoutMs: 60000, requestTimeoutMs: 60000 });
${ONE_TRACE}
report({ phase: 'end of main' });
`,
        { env: env(url), killAfterMs: 60_000 },
      );
      observe(child.stderr);
      expect(child.code).toBe(0);
      const endOfMain = child.times[0]!;
      expect(child.elapsedMs - endOfMain).toBeLessThan(1_000 + MARGIN_MS);
      // The flush at exit gave up what it could not send: counted, so nothing is "unsent" at the exit itself.
      expect(child.stderr).not.toMatch(UNSENT_LINE);
      // The cause as it was: refused, or no answer; never just "aborted".
      expect(child.stderr).toContain(fault === 'closed port' ? 'ECONNREFUSED' : 'no answer yet');
      expect(child.stderr).not.toMatch(/ERR_ABORTED: aborted/);
      recordFigures({ suite: SUITE, case: `app ends, ${fault}`, faults: fault, events: 3, stored: 0, duplicated: 0, deadLettered: 0, lost: 0, note: `exit ${child.elapsedMs - endOfMain} ms after main` });
    }, 70_000);
  }

  it('the SIGTERM pattern from the docs exits within shutdownTimeoutMs against a hanging server', async () => {
    const url = await langfuseUrl('hang');
    let signalledAt = 0;
    const child = await runChild(
      `
const handle = tracing.setupLangfuse({ shutdownTimeoutMs: 1000 });
process.once('SIGTERM', () => { void handle.shutdown().finally(() => process.exit(0)); });
${ONE_TRACE}
setInterval(() => {}, 1000); // a server that keeps the process alive
report({ phase: 'ready' });
`,
      {
        env: env(url),
        killAfterMs: 60_000,
        onMessage: (message, process) => {
          if (message['phase'] !== 'ready') return;
          signalledAt = Date.now();
          process.kill('SIGTERM');
        },
      },
    );
    observe(child.stderr);
    expect(child.code).toBe(0);
    const exitedAfter = child.elapsedMs - (child.times[0] ?? 0);
    expect(exitedAfter).toBeLessThan(1_000 + MARGIN_MS);
    expect(signalledAt).toBeGreaterThan(0);
    expect(child.stderr).not.toMatch(UNSENT_LINE);
  }, 70_000);

  it('process.exit() with spans queued: one line says how many and how to avoid it', async () => {
    const child = await runChild(`tracing.setupLangfuse({});\n${ONE_TRACE}\nprocess.exit(3);`, { env: env(receiver().url), killAfterMs: 30_000 });
    observe(child.stderr);
    expect(child.code).toBe(3);
    const lines = child.stderr.split('\n').filter((line) => UNSENT_LINE.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ended \(exit code 3\)/);
  }, 40_000);

  it('an uncaught exception with spans queued: the same line, naming the exception', async () => {
    const child = await runChild(`tracing.setupLangfuse({});\n${ONE_TRACE}\nsetTimeout(() => { throw new Error('boom'); }, 0);`, { env: env(receiver().url), killAfterMs: 30_000 });
    observe(child.stderr);
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('boom');
    expect(child.stderr.match(UNSENT_LINE)?.[1]).toBe('an uncaught exception');
  }, 40_000);

  it('SIGTERM nobody handles, spans queued: the line, then the process dies of the signal as it would have', async () => {
    const child = await runChild(`tracing.setupLangfuse({ flushInterval: 60000 });\n${ONE_TRACE}\nsetInterval(() => {}, 1000);\nreport({ phase: 'ready' });`, {
      env: env(receiver().url),
      killAfterMs: 30_000,
      onMessage: (message, process) => {
        if (message['phase'] === 'ready') process.kill('SIGTERM');
      },
    });
    observe(child.stderr);
    expect(child.signal).toBe('SIGTERM');
    expect(child.stderr.match(UNSENT_LINE)?.[1]).toBe('SIGTERM');
  }, 40_000);

  it('process.exit() after an awaited shutdown says nothing: everything was sent', async () => {
    const child = await runChild(`const handle = tracing.setupLangfuse({});\n${ONE_TRACE}\nawait handle.shutdown();\nprocess.exit(0);`, { env: env(receiver().url), killAfterMs: 30_000 });
    observe(child.stderr);
    expect(child.code).toBe(0);
    expect(child.stderr).not.toMatch(UNSENT_LINE);
    expect(receiver().events()).toHaveLength(3);
  }, 40_000);
});
