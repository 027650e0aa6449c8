import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReceiver } from '@otel-langfuse/test-support';
import type { StoredEvent } from '@otel-langfuse/receiver';
import type { ExporterStats } from '@otel-langfuse/exporter';
import { runChild, tell } from './child-app.js';
import { ensureBuilt, guardSuite, observe, PUBLIC_KEY, readJsonl, recordFigures, RESULTS_DIR, SECRET_KEY, sleep, startReceiver, sum, tmpFile } from './harness.js';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SUITE = 'soak';
guardSuite(SUITE);

const MiB = 1024 * 1024;
/** The configured cap on memory held for delivery. */
const CAP = 4 * MiB;
const OUTAGE_MS = 16_000;
const BEFORE_MS = 3_000;
const AFTER_MS = 3_000;
const PAYLOAD_BYTES = 3_000;

const SETUP = {
  mode: 'batch',
  flushAt: 200,
  flushInterval: 0.2,
  maxQueueSize: 2048,
  exportTimeoutMs: 3_000,
  requestTimeoutMs: 1_000,
  maxRetries: 2,
  initialRetryDelayMs: 100,
  maxRetryDelayMs: 300,
  circuitBreakerThreshold: 3,
  circuitBreakerCooldownMs: 1_000,
  circuitBreakerMaxCooldownMs: 2_000,
  maxBufferedBytes: CAP,
};

/** The app: two traces (a root and a child span, 3 KB input) every 10 ms, until told to stop; samples memory after a GC. */
const APP = `
const lines = [];
const text = (args) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
api.diag.setLogger({ error: (...a) => lines.push('error ' + text(a)), warn: (...a) => lines.push('warn ' + text(a)), info: (...a) => lines.push('info ' + text(a)), debug: () => {}, verbose: () => {} }, api.DiagLogLevel.INFO);
process.on('unhandledRejection', (reason) => report({ unhandled: String(reason) }));
const config = JSON.parse(process.env.SOAK_CONFIG);
let ended = 0;
const counter = { onStart() {}, onEnd() { ended++; }, forceFlush: async () => {}, shutdown: async () => {} };
const handle = tracing.setupLangfuse({ ...config.setup, spanProcessors: [counter] });
const payload = 'x'.repeat(config.payloadBytes);
let phase = 'before';
const produced = { before: 0, outage: 0, recovering: 0, after: 0 };
let n = 0;
const producer = setInterval(() => {
  for (let k = 0; k < 2; k++) {
    const p = phase;
    const i = n++;
    tracing.langfuse.trace({ name: p + '-' + i, input: { payload, i } }, () => tracing.langfuse.span({ name: p + '-child-' + i }, () => i));
    produced[p] += 2;
  }
}, 10);
globalThis.gc(); globalThis.gc();
const base = process.memoryUsage();
const samples = [];
const sampler = setInterval(() => {
  globalThis.gc();
  const m = process.memoryUsage();
  const s = handle.stats();
  samples.push({ phase, heapUsed: m.heapUsed, rss: m.rss, buffered: s.bufferedBytes, circuit: s.circuitState });
}, 250);
report({ ready: true });
for (;;) {
  const command = await nextCommand();
  if (command === 'outage') phase = 'outage';
  else if (command === 'recovered') {
    phase = 'recovering';
    while (handle.stats().circuitState !== 'closed') await new Promise((r) => setTimeout(r, 20));
    phase = 'after';
    report({ closed: true });
  } else if (command === 'stop') break;
}
clearInterval(producer);
clearInterval(sampler);
const started = Date.now();
await handle.shutdown();
report({ done: true, shutdownMs: Date.now() - started, produced, ended, stats: handle.stats(), samples, base, lines });
`;

class Inbox {
  private readonly messages: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  child: ChildProcess | undefined;
  push(message: Record<string, unknown>, child: ChildProcess): void {
    this.child = child;
    this.messages.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }
  async waitFor(key: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.messages.find((m) => key in m);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

interface Sample {
  phase: string;
  heapUsed: number;
  rss: number;
  buffered: number;
  circuit: string;
}

let receivers: TestReceiver[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  for (const r of receivers) await r.close().catch(() => undefined);
});

describe('outage soak', () => {
  it('Langfuse down for 16 s under steady load: memory stays bounded, drops are counted, delivery resumes, shutdown delivers the rest', async () => {
    const first = await startReceiver();
    receivers = [first];
    const port = first.port;
    const deadLetterPath = tmpFile('soak.jsonl');
    const inbox = new Inbox();
    const run = runChild(APP, {
      execArgv: ['--expose-gc'],
      env: {
        LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
        LANGFUSE_SECRET_KEY: SECRET_KEY,
        LANGFUSE_BASE_URL: first.url,
        SOAK_CONFIG: JSON.stringify({ setup: { ...SETUP, deadLetterPath }, payloadBytes: PAYLOAD_BYTES }),
      },
      killAfterMs: 90_000,
      onMessage: (message, child) => inbox.push(message, child),
    });

    await inbox.waitFor('ready');
    await sleep(BEFORE_MS);
    const beforeOutage: StoredEvent[] = first.events();
    expect(first.stats().duplicateEnvelopeIds).toBe(0);
    await first.close(); // the outage: connections refused from now on
    tell(inbox.child!, 'outage');
    await sleep(OUTAGE_MS);
    const second = await startReceiver({ port }); // back on the same port
    receivers.push(second);
    tell(inbox.child!, 'recovered');
    await inbox.waitFor('closed');
    await sleep(AFTER_MS);
    tell(inbox.child!, 'stop');
    const result = await run;
    observe(result.stderr);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.messages.filter((m) => 'unhandled' in m)).toEqual([]);
    const done = result.messages.find((m) => 'done' in m)! as {
      produced: Record<string, number>;
      ended: number;
      stats: ExporterStats;
      samples: Sample[];
      base: NodeJS.MemoryUsage;
      lines: string[];
      shutdownMs: number;
    };
    observe(JSON.stringify(done.stats));
    observe(done.lines.join('\n'));

    // Delivery resumed after recovery, and shutdown delivered everything still queued: every span of the 'after'
    // phase is stored, exactly once.
    const afterRecovery: StoredEvent[] = second.events();
    const obsNamed = (events: StoredEvent[], prefix: string) => events.filter((e) => e.type !== 'trace-create' && String(e.body['name']).startsWith(prefix));
    expect(done.produced['after']).toBeGreaterThan(0);
    expect(obsNamed(afterRecovery, 'after-')).toHaveLength(done.produced['after']!);
    expect(second.stats().duplicateEnvelopeIds).toBe(0);
    const storedIds = [...beforeOutage, ...afterRecovery].map((e) => e.id);
    expect(new Set(storedIds).size).toBe(storedIds.length);

    // Drops are counted and dead-lettered; the breaker kept the outage quiet.
    expect(done.stats.eventsDropped['circuit-open']).toBeGreaterThan(0);
    expect(done.stats.circuitState).toBe('closed');
    const records = readJsonl(deadLetterPath);
    observe(JSON.stringify(records.slice(0, 50)));
    expect(done.stats.deadLettered).toBe(records.length);
    expect(sum(done.stats.deadLetterSkipped)).toBe(0);

    // Every span the app ended is stored, dead-lettered, or counted as dropped by the span processor's full queue.
    const storedNames = new Set([...beforeOutage, ...afterRecovery].filter((e) => e.type !== 'trace-create').map((e) => String(e.body['name'])));
    const deadNames = new Set(
      records
        .map((r) => r['event'] as { type: string; body: { name?: string } })
        .filter((e) => e.type !== 'trace-create')
        .map((e) => String(e.body.name)),
    );
    const processorDropped = done.lines
      .map((line) => /Dropped (\d+) spans because maxQueueSize reached/.exec(line)?.[1])
      .reduce((total, n) => total + (n === undefined ? 0 : Number(n)), 0);
    const accounted = new Set([...storedNames, ...deadNames]).size;
    const produced = sum(done.produced);
    expect(done.ended).toBe(produced);
    expect(produced - accounted - processorDropped).toBe(0);

    // Memory: what the exporter holds never exceeds the cap, and the process's retained heap (sampled after a GC)
    // grows by a bounded amount even though the outage produced several times that much data.
    const peak = (key: 'heapUsed' | 'rss') => Math.max(...done.samples.map((s) => s[key]));
    const heapGrowth = peak('heapUsed') - done.base.heapUsed;
    const rssGrowth = peak('rss') - done.base.rss;
    // What the exporter gave up on during the outage, serialized: what an unbounded exporter would have piled up.
    const producedBytes = statSync(deadLetterPath).size;
    const warnOrError = done.lines.filter((line) => line.startsWith('warn') || line.startsWith('error'));
    const figures = {
      outageMs: OUTAGE_MS,
      spansProduced: produced,
      eventsSent: done.stats.eventsSent,
      stored: storedIds.length,
      duplicated: first.stats().duplicateEnvelopeIds + second.stats().duplicateEnvelopeIds,
      deadLettered: records.length,
      droppedByReason: done.stats.eventsDropped,
      processorQueueDropped: processorDropped,
      lostSpans: produced - accounted - processorDropped,
      capBytes: CAP,
      peakBufferedBytes: done.stats.peakBufferedBytes,
      baseHeapBytes: done.base.heapUsed,
      peakHeapGrowthBytes: heapGrowth,
      baseRssBytes: done.base.rss,
      peakRssGrowthBytes: rssGrowth,
      outagePayloadBytes: producedBytes,
      shutdownMs: done.shutdownMs,
      diagnosticLines: warnOrError.length,
      lines: warnOrError.map((line) => line.slice(0, 160)),
    };
    writeFileSync(join(RESULTS_DIR, 'soak-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`[reliability] soak figures: ${JSON.stringify({ ...figures, lines: undefined })}`);
    expect(done.stats.peakBufferedBytes).toBeLessThanOrEqual(CAP);
    expect(Math.max(...done.samples.map((s) => s.buffered))).toBeLessThanOrEqual(CAP);
    expect(producedBytes).toBeGreaterThan(4 * CAP);
    expect(heapGrowth).toBeLessThan(4 * CAP);
    expect(rssGrowth).toBeLessThan(8 * CAP);

    // No log storm: a handful of lines for a 16-second outage.
    expect(done.lines.filter((line) => line.includes('circuit open:'))).toHaveLength(1);
    // About 80 exports were refused or failed during the outage; a line each would be a storm.
    expect(warnOrError.length).toBeLessThan(30);

    recordFigures({
      suite: SUITE,
      case: 'outage soak (child process)',
      faults: `receiver down ${OUTAGE_MS / 1000} s under steady load`,
      events: produced,
      stored: storedNames.size,
      duplicated: figures.duplicated,
      deadLettered: deadNames.size,
      lost: figures.lostSpans,
      note: `unit: spans; ${processorDropped} dropped by the span processor's full queue; peak heap +${(heapGrowth / MiB).toFixed(1)} MiB, RSS +${(rssGrowth / MiB).toFixed(1)} MiB, cap ${CAP / MiB} MiB`,
    });
  });
});
