import { describe, expect, it } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { langfuse, setupLangfuse } from '@otel-langfuse/tracing';
import { LangfuseSpanExporter } from '@otel-langfuse/exporter';
import { makeSpans } from '@otel-langfuse/test-support';
import { runChild } from './child-app.js';
import { DropLog, guardSuite, observe, PUBLIC_KEY, readJsonl, recordFigures, SECRET_KEY, tmpFile, useSuiteReceiver } from './harness.js';

const SUITE = 'shutdown';
const guard = guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

const childEnv = () => ({ LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: receiver().url });

describe('shutdown', () => {
  it('delivers every queued span within its timeout; a second call is harmless', async () => {
    receiver().reset();
    const mark = guard.logs().lines.length;
    const handle = setupLangfuse({
      publicKey: PUBLIC_KEY,
      secretKey: SECRET_KEY,
      baseUrl: receiver().url,
      mode: 'batch',
      flushAt: 2048,
      maxQueueSize: 2048,
      flushInterval: 600,
      flushOnExit: false,
    });
    const spans = 2_000;
    for (let i = 0; i < spans / 2; i++) langfuse.trace({ name: `queued-${i}` }, () => langfuse.span({ name: `queued-child-${i}` }, () => i));
    expect(receiver().stats().requests).toBe(0); // all still queued in the processor
    await handle.shutdown();
    const observations = receiver().events().filter((e) => e.type !== 'trace-create');
    expect(observations).toHaveLength(spans);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    expect(guard.since(mark).filter((l) => l.message.includes('did not finish'))).toEqual([]);
    const requests = receiver().stats().requests;
    await expect(handle.shutdown()).resolves.toBeUndefined();
    expect(receiver().stats().requests).toBe(requests);
    expect(handle.stats().spansExported).toBe(spans);
    recordFigures({ suite: SUITE, case: 'shutdown with 2000 spans queued', faults: 'none', events: handle.stats().eventsSent, stored: receiver().events().length, duplicated: 0, deadLettered: 0, lost: spans - observations.length });
  });

  it('an export after shutdown fails fast, is counted and reaches onDrop', async () => {
    const drops = new DropLog();
    const exporter = new LangfuseSpanExporter({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, baseUrl: receiver().url, onDrop: drops.hook, deadLetterPath: tmpFile('after-shutdown.jsonl') });
    await exporter.shutdown();
    await exporter.shutdown();
    let result: ExportResult | undefined;
    exporter.export(makeSpans(3), (r) => (result = r));
    // Called back before export() returned: no work, no network.
    expect(result?.code).toBe(ExportResultCode.FAILED);
    expect(exporter.stats().eventsDropped).toEqual({ shutdown: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drops.byReason()).toEqual({ shutdown: 6 }); // 3 spans: a trace-create and an observation each
    expect(exporter.stats().deadLetterSkipped).toEqual({ closed: 6 });
  });
});

describe('the process exits by itself', () => {
  it('a hung server cannot hold the process open past the shutdown timeout', async () => {
    receiver().reset();
    receiver().faults.push({ hang: true, times: 1_000 });
    const deadLetterPath = tmpFile('hung.jsonl');
    const exportTimeoutMs = 20_000;
    const child = await runChild(
      `
const handle = tracing.setupLangfuse({ mode: 'batch', flushInterval: 600, exportTimeoutMs: ${exportTimeoutMs}, requestTimeoutMs: 15000, shutdownTimeoutMs: 500, deadLetterPath: ${JSON.stringify(deadLetterPath)} });
for (let i = 0; i < 20; i++) tracing.langfuse.trace({ name: 'hung-' + i }, () => i);
report({ phase: 'shutdown' });
await handle.shutdown();
report({ phase: 'returned', stats: handle.stats() });
`,
      { env: childEnv(), killAfterMs: 30_000 },
    );
    observe(child.stderr);
    expect(child.signal).toBeNull();
    expect(child.code).toBe(0);
    // Warnings reach stderr by default: the hang and the aborted shutdown are said; nothing is left unsent at the exit.
    expect(child.stderr).toContain('no answer yet; aborted by shutdown');
    expect(child.stderr).not.toContain('not sent to Langfuse');
    const shutdownAt = child.times[0]!;
    // Ended by shutdownTimeoutMs (the deliveries still running are aborted), neither by the server, whose hang never
    // ends, nor by the export deadline, which is far away.
    expect(child.elapsedMs - shutdownAt).toBeLessThan(exportTimeoutMs);
    const returned = child.messages.find((m) => m['phase'] === 'returned') as { stats: { eventsDropped: Record<string, number> } } | undefined;
    expect(returned?.stats.eventsDropped).toEqual({ shutdown: 40 });
    const records = readJsonl(deadLetterPath);
    observe(JSON.stringify(records));
    expect(records).toHaveLength(40); // 20 traces: a trace-create and an observation each, written before the exit
    for (const record of records) expect(record['reason']).toBe('shutdown');
    recordFigures({ suite: SUITE, case: 'hung server, child process', faults: 'no answer ever', events: 40, stored: 0, duplicated: 0, deadLettered: records.length, lost: 40 - records.length, note: `exit ${child.elapsedMs - shutdownAt} ms after shutdown()` });
  });

  it('an app that exports during faults and simply ends delivers everything and exits cleanly', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 2 }, { destroy: true }, { status: 500 }, { delayMs: 300 });
    const child = await runChild(
      `
process.on('unhandledRejection', (reason) => report({ unhandled: String(reason) }));
tracing.setupLangfuse({ mode: 'batch', flushAt: 4, flushInterval: 600, initialRetryDelayMs: 20, maxRetryDelayMs: 100 });
for (let i = 0; i < 10; i++) {
  await tracing.langfuse.trace({ name: 'faulty-' + i }, async () => tracing.langfuse.span({ name: 'step-' + i }, async () => new Promise((r) => setTimeout(r, 5))));
}
report({ phase: 'end of main' });
`,
      { env: childEnv(), killAfterMs: 30_000 },
    );
    observe(child.stderr);
    expect(child.code).toBe(0);
    expect(child.stderr).toBe('');
    expect(child.messages.filter((m) => 'unhandled' in m)).toEqual([]);
    const observations = receiver().events().filter((e) => e.type !== 'trace-create');
    expect(observations).toHaveLength(20);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    expect(child.elapsedMs).toBeLessThan(25_000);
    recordFigures({ suite: SUITE, case: 'faults, app just ends (child)', faults: '503 ×2, reset, 500, slow', events: receiver().events().length, stored: receiver().events().length, duplicated: 0, deadLettered: 0, lost: 20 - observations.length });
  });
});
