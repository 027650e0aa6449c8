import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@otel-langfuse/receiver';
import { runChild, tell, type ChildResult } from './child-app.js';
import { guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, useSuiteReceiver } from './harness.js';
import type { ExporterStats } from '@otel-langfuse/exporter';

const SUITE = 'spool-recovery';
guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

const MiB = 1024 * 1024;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const spoolDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-langfuse-spool-recovery-'));
  dirs.push(dir);
  return dir;
};

/** Short retries and cool-down: an outage goes to the spool rather than waiting in retries. */
const SETUP = `{ transport: 'ingestion', mode: 'batch', flushAt: 200, flushInterval: 200, maxRetries: 1, initialRetryDelayMs: 50, maxRetryDelayMs: 200, circuitBreakerCooldownMs: 500, circuitBreakerMaxCooldownMs: 2000, shutdownTimeoutMs: 3000 }`;

/** Spans of each trace: a root and this many children, ended in order before the root. */
const CHILDREN = 4;
const PAYLOAD_BYTES = 1_000;

/**
 * The app: on 'outage', `perSecond` spans a second for `seconds` (traces of a root and CHILDREN children, each span
 * with a PAYLOAD_BYTES input), memory sampled after a GC every 250 ms from before the outage until the spool is empty.
 */
const APP = (dir: string, perSecond: number, seconds: number) => `
const fs = await import('node:fs');
const handle = tracing.setupLangfuse(${SETUP});
const payload = 'x'.repeat(${PAYLOAD_BYTES});
const trace = (name) => tracing.langfuse.trace({ name, input: { payload } }, () => {
  for (let c = 0; c < ${CHILDREN}; c++) tracing.langfuse.span({ name: name + '-c' + c, input: { payload } }, () => c);
});
// Warm up with the server answering: code compiled, connections open, then the baseline after a full GC.
for (let i = 0; i < 100; i++) trace('warm-' + i);
await handle.forceFlush();
globalThis.gc(); globalThis.gc();
const base = process.memoryUsage();
let peak = { heapUsed: base.heapUsed, rss: base.rss };
const sampler = setInterval(() => {
  globalThis.gc();
  const m = process.memoryUsage();
  peak = { heapUsed: Math.max(peak.heapUsed, m.heapUsed), rss: Math.max(peak.rss, m.rss) };
}, 250);
report({ phase: 'ready' });
await nextCommand();
// A fixed number of traces, paced to the rate (catching up when behind): the count never depends on the machine.
const total = Math.round(${perSecond} * ${seconds} / ${CHILDREN + 1});
const started = Date.now();
let produced = 0;
while (produced < total) {
  const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * ${perSecond} / ${CHILDREN + 1}) + 1);
  while (produced < due) trace('t-' + produced++);
  await new Promise((r) => setTimeout(r, 5));
}
const generateMs = Date.now() - started;
// Everything ended goes to the spool before the server comes back: no trace is split between spool and live traffic.
await handle.forceFlush();
const segments = () => fs.readdirSync(${JSON.stringify(dir)}).filter((n) => n.endsWith('.spool'));
const spooledBytes = segments().reduce((s, n) => s + fs.statSync(${JSON.stringify(dir)} + '/' + n).size, 0);
report({ phase: 'generated', produced, generateMs, spooledBytes, stats: handle.stats() });
await nextCommand();
const recovered = Date.now();
const drainEnd = Date.now() + 120_000;
while (Date.now() < drainEnd && (segments().length > 0 || handle.stats().spoolBytes > 0)) await new Promise((r) => setTimeout(r, 100));
const drainMs = Date.now() - recovered;
clearInterval(sampler);
report({ phase: 'drained', left: segments().length, drainMs, stats: handle.stats(), base: { heapUsed: base.heapUsed, rss: base.rss }, peak });
await handle.shutdown();
`;

interface Memory {
  heapUsed: number;
  rss: number;
}

const message = <T>(child: ChildResult, phase: string) => child.messages.find((m) => m['phase'] === phase) as T | undefined;

/** The observation names of each trace (by trace name), in the order the receiver stored them. */
function observationsByTrace(events: readonly StoredEvent[]): { traceNames: Map<string, number>; order: Map<string, string[]> } {
  const traceNames = new Map<string, number>();
  const nameOfTrace = new Map<string, string>();
  for (const event of events) {
    if (event.type !== 'trace-create') continue;
    const body = event.body as { id: string; name?: string };
    traceNames.set(body.name ?? '', (traceNames.get(body.name ?? '') ?? 0) + 1);
    nameOfTrace.set(body.id, body.name ?? '');
  }
  const order = new Map<string, string[]>();
  for (const event of events) {
    if (event.type === 'trace-create') continue;
    const body = event.body as { traceId: string; name?: string };
    const list = order.get(body.traceId) ?? [];
    list.push(body.name ?? '');
    order.set(body.traceId, list);
  }
  const byName = new Map<string, string[]>();
  for (const [traceId, names] of order) byName.set(nameOfTrace.get(traceId) ?? traceId, names);
  return { traceNames, order: byName };
}

const expectedOrder = (name: string): string[] => [...Array.from({ length: CHILDREN }, (_, c) => `${name}-c${c}`), name];

/**
 * The app at `rate` spans/s for `seconds` against a receiver answering 503 (the outage), then `recover()` when it has
 * flushed everything into the spool in `dir`; resolves when the child has exited, its stderr observed.
 */
async function outageThenRecovery(dir: string, rate: number, seconds: number, killAfterMs: number, recover: () => void) {
  const child = await runChild(APP(dir, rate, seconds), {
    env: { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: receiver().url, LANGFUSE_SPOOL_DIR: dir },
    execArgv: ['--expose-gc'],
    killAfterMs,
    onMessage: (m, proc) => {
      if (m['phase'] === 'ready') {
        receiver().faults.push({ status: 503, times: 1_000_000 });
        tell(proc, 'outage');
      } else if (m['phase'] === 'generated') {
        recover();
        tell(proc, 'recovered');
      }
    },
  });
  observe(child.stderr);
  return child;
}

describe('the spool through a long outage, real processes', () => {
  it('a 10 s outage at 1,000 spans/s, then recovery: every span stored exactly once, in order per trace, memory flat', async () => {
    receiver().reset();
    const dir = spoolDir();
    const child = await outageThenRecovery(dir, 1_000, 10, 230_000, () => receiver().faults.clear());
    expect(child.code, child.stderr).toBe(0);
    const generated = message<{ produced: number; generateMs: number; spooledBytes: number; stats: ExporterStats }>(child, 'generated')!;
    const drained = message<{ left: number; drainMs: number; stats: ExporterStats; base: Memory; peak: Memory }>(child, 'drained')!;
    const spans = generated.produced * (CHILDREN + 1);
    expect(spans).toBe(10_000);
    expect(drained.left).toBe(0);
    expect(drained.stats).toMatchObject({ evicted: 0, corrupt: 0, spoolBytes: 0 });
    expect(drained.stats.resumed).toBe(drained.stats.spooled);

    const { traceNames, order } = observationsByTrace(receiver().events());
    for (let i = 0; i < generated.produced; i++) {
      const name = `t-${i}`;
      expect(traceNames.get(name), name).toBe(1);
      expect(order.get(name), name).toEqual(expectedOrder(name));
    }
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    expect(receiver().events().filter((e) => e.type !== 'trace-create')).toHaveLength(spans + 100 * (CHILDREN + 1));

    // Memory flat: what was spooled lived on the disk. Generous absolute caps on the growth over the warmed-up
    // baseline, sampled after a full GC every 250 ms through the outage and the drain (about 20 MiB of heap is seen).
    const heapGrowth = drained.peak.heapUsed - drained.base.heapUsed;
    const rssGrowth = drained.peak.rss - drained.base.rss;
    expect(generated.spooledBytes).toBeGreaterThan(0);
    expect(heapGrowth).toBeLessThan(48 * MiB);
    expect(rssGrowth).toBeLessThan(256 * MiB);

    recordFigures({
      suite: SUITE,
      case: `outage 10 s at 1,000 spans/s (${CHILDREN + 1}-span traces, 1 KB input on each span), then recovery`,
      faults: '503 until recovery',
      events: receiver().events().length,
      stored: receiver().events().length,
      duplicated: receiver().stats().duplicateEnvelopeIds,
      deadLettered: 0,
      lost: 0,
      note: `${spans} spans in ${(generated.generateMs / 1000).toFixed(1)} s, ${drained.stats.spooled} records spooled (${(generated.spooledBytes / MiB).toFixed(1)} MiB on disk), all resumed; drained ${(drained.drainMs / 1000).toFixed(1)} s after recovery; peak heap +${(heapGrowth / MiB).toFixed(1)} MiB, RSS +${(rssGrowth / MiB).toFixed(1)} MiB`,
    });
  }, 240_000);

  it('a 429 storm on recovery (Retry-After: 2): the spool waits it out, then drains; every span stored exactly once', async () => {
    receiver().reset();
    const dir = spoolDir();
    const RETRY_AFTER_S = 2;
    const STORM = 6;
    let recoveredAt = 0;
    const child = await outageThenRecovery(dir, 500, 2, 110_000, () => {
      // Back, but overloaded: the next STORM requests get 429 with Retry-After, then it answers.
      receiver().faults.clear();
      recoveredAt = receiver().requests().length;
      receiver().faults.push({ status: 429, headers: { 'retry-after': String(RETRY_AFTER_S) }, times: STORM });
    });
    expect(child.code, child.stderr).toBe(0);
    const generated = message<{ produced: number; stats: ExporterStats }>(child, 'generated')!;
    const drained = message<{ left: number; drainMs: number; stats: ExporterStats }>(child, 'drained')!;
    expect(drained.left).toBe(0);
    expect(drained.stats).toMatchObject({ evicted: 0, corrupt: 0, spoolBytes: 0 });
    expect(drained.stats.resumed).toBe(drained.stats.spooled);

    const { traceNames, order } = observationsByTrace(receiver().events());
    for (let i = 0; i < generated.produced; i++) {
      expect(traceNames.get(`t-${i}`), `t-${i}`).toBe(1);
      expect(order.get(`t-${i}`), `t-${i}`).toEqual(expectedOrder(`t-${i}`));
    }
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);

    // Retry-After honoured: after each 429 the next request came no sooner than it allowed (server arrival times; a
    // lower bound, which a slow machine cannot break), and the whole storm was answered before the spool drained.
    const after = receiver().requests().slice(recoveredAt).filter((r) => r.endpoint === 'ingestion');
    const storm = after.filter((r) => r.status === 429);
    expect(storm).toHaveLength(STORM);
    const gaps: number[] = [];
    after.forEach((request, i) => {
      const next = after[i + 1];
      if (request.status === 429 && next) gaps.push(Date.parse(next.time) - Date.parse(request.time));
    });
    expect(gaps).toHaveLength(STORM);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 50);
    expect(after.slice(STORM).every((r) => r.status === 207)).toBe(true);

    recordFigures({
      suite: SUITE,
      case: `429 storm on recovery (${STORM} answers with Retry-After: ${RETRY_AFTER_S})`,
      faults: `503, then ${STORM} × 429`,
      events: receiver().events().length,
      stored: receiver().events().length,
      duplicated: receiver().stats().duplicateEnvelopeIds,
      deadLettered: 0,
      lost: 0,
      note: `${drained.stats.spooled} records spooled, all resumed; shortest wait after a 429: ${(Math.min(...gaps) / 1000).toFixed(2)} s; drained ${(drained.drainMs / 1000).toFixed(1)} s after recovery`,
    });
  }, 110_000);
});
