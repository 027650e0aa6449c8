import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChild, tell, type ChildResult } from './child-app.js';
import { guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, sleep, useSuiteReceiver } from './harness.js';
import type { ExporterStats } from '@otel-langfuse/exporter';

const SUITE = 'spool';
guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

const dirs: string[] = [];
const spoolDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-langfuse-spool-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const childEnv = (dir: string, extra: Record<string, string> = {}) => ({
  LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
  LANGFUSE_SECRET_KEY: SECRET_KEY,
  LANGFUSE_BASE_URL: receiver().url,
  LANGFUSE_SPOOL_DIR: dir,
  ...extra,
});

/** Short retries and cool-down: an outage of a few seconds goes to the spool rather than waiting in retries. */
const SETUP = `{ transport: 'ingestion', mode: 'batch', flushAt: 100, flushInterval: 200, maxRetries: 1, initialRetryDelayMs: 50, maxRetryDelayMs: 200, circuitBreakerCooldownMs: 500, shutdownTimeoutMs: 3000 }`;

/** Makes `perSecond` one-span traces a second for `seconds`, names `<prefix>-<i>`; reports progress. */
const GENERATE = (prefix: string, perSecond: number, seconds: number) => `
const produced = [];
const tick = 20;
const perTick = Math.max(1, Math.round(${perSecond} * tick / 1000));
const end = Date.now() + ${seconds * 1000};
while (Date.now() < end) {
  for (let k = 0; k < perTick; k++) {
    const name = '${prefix}-' + produced.length;
    tracing.langfuse.trace({ name }, () => produced.length);
    produced.push(name);
  }
  await new Promise((r) => setTimeout(r, tick));
}
report({ phase: 'generated', produced: produced.length, stats: handle.stats() });
`;

/** Waits in the child until its spool directory holds no segment, then reports. */
const DRAIN = (dir: string, timeoutMs = 40_000) => `
const fs = await import('node:fs');
const drainEnd = Date.now() + ${timeoutMs};
const segments = () => fs.readdirSync(${JSON.stringify(dir)}).filter((n) => n.endsWith('.spool'));
while (Date.now() < drainEnd && (segments().length > 0 || handle.stats().spoolBytes > 0)) await new Promise((r) => setTimeout(r, 100));
report({ phase: 'drained', left: segments().length, stats: handle.stats() });
`;


const message = (child: ChildResult, phase: string) => child.messages.find((m) => m['phase'] === phase) as { produced?: number; left?: number; stats: ExporterStats } | undefined;

/** Trace names stored, each with how often. */
function storedNames(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of receiver().events()) {
    if (event.type !== 'trace-create') continue;
    const name = (event.body as { name?: string }).name ?? '';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
const observationCount = () => receiver().events().filter((e) => e.type !== 'trace-create').length;

/** The trace names inside the spool's segment files (what reached the disk). */
function spooledNames(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((n) => n.endsWith('.spool'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      try {
        const record = JSON.parse(line.slice(9)) as { event?: { type: string; body: { name?: string } } };
        if (record.event?.type === 'trace-create' && record.event.body.name) names.add(record.event.body.name);
      } catch {
        // a torn last line
      }
    }
  }
  return names;
}

describe('the on-disk spool, real processes', () => {
  it('an outage at 300 spans/s, then recovery: every span stored exactly once, by the same process', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 100_000 });
    const dir = spoolDir();
    const child = await runChild(
      `
const handle = tracing.setupLangfuse(${SETUP});
${GENERATE('outage', 300, 4)}
await nextCommand();
${DRAIN(dir)}
await handle.shutdown();
`,
      {
        env: childEnv(dir),
        killAfterMs: 90_000,
        onMessage: (m, proc) => {
          if (m['phase'] !== 'generated') return;
          receiver().faults.clear();
          tell(proc, 'recovered');
        },
      },
    );
    observe(child.stderr);
    expect(child.code).toBe(0);
    const generated = message(child, 'generated')!;
    const drained = message(child, 'drained')!;
    expect(generated.stats.spooled).toBeGreaterThan(0);
    expect(drained.left).toBe(0);
    const names = storedNames();
    expect(names.size).toBe(generated.produced);
    expect([...names.values()].every((n) => n === 1)).toBe(true);
    expect(observationCount()).toBe(generated.produced);
    expect(drained.stats).toMatchObject({ evicted: 0, corrupt: 0, spoolBytes: 0 });
    recordFigures({
      suite: SUITE,
      case: `outage 4 s at 300 spans/s, then recovery`,
      faults: '503 until recovery',
      events: generated.produced! * 2,
      stored: receiver().events().length,
      duplicated: 0,
      deadLettered: 0,
      lost: generated.produced! * 2 - receiver().events().length,
      note: `spooled ${drained.stats.spooled} records, resumed ${drained.stats.resumed}, drained ${(child.times[child.times.length - 1]! - child.times[0]!) / 1000} s after recovery`,
    });
  }, 120_000);

  it('SIGTERM during the outage, restart after it: everything delivered by the next process', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 100_000 });
    const dir = spoolDir();
    const first = await runChild(
      `
const handle = tracing.setupLangfuse(${SETUP});
process.on('SIGTERM', async () => {
  await handle.shutdown();
  report({ phase: 'stopped', stats: handle.stats() });
  process.exit(0);
});
${GENERATE('sigterm', 300, 2)}
await new Promise(() => setTimeout(() => {}, 60_000));
`,
      { env: childEnv(dir), killAfterMs: 60_000, onMessage: (m, proc) => m['phase'] === 'generated' && proc.kill('SIGTERM') },
    );
    observe(first.stderr);
    expect(first.code).toBe(0);
    const produced = message(first, 'generated')!.produced!;
    expect(observationCount()).toBe(0);
    receiver().faults.clear();
    const second = await runChild(`const handle = tracing.setupLangfuse(${SETUP});\n${DRAIN(dir)}\nawait handle.shutdown();`, { env: childEnv(dir), killAfterMs: 60_000 });
    observe(second.stderr);
    const names = storedNames();
    expect(names.size).toBe(produced);
    expect(observationCount()).toBe(produced);
    expect(message(second, 'drained')!.stats.resumed).toBe(message(first, 'stopped')!.stats.spooled);
    recordFigures({ suite: SUITE, case: 'SIGTERM in the outage, restart after', faults: '503, SIGTERM', events: produced * 2, stored: receiver().events().length, duplicated: 0, deadLettered: 0, lost: produced * 2 - receiver().events().length });
  }, 120_000);

  it('SIGKILL during the outage, restart after it: every span that reached the spool delivered; a torn record skipped', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 100_000 });
    const dir = spoolDir();
    const first = await runChild(
      `
const handle = tracing.setupLangfuse(${SETUP});
const timer = setInterval(() => report({ phase: 'progress', stats: handle.stats() }), 200);
${GENERATE('sigkill', 300, 3)}
await new Promise(() => setTimeout(() => {}, 60_000));
`,
      { env: childEnv(dir), killAfterMs: 60_000, onMessage: (m, proc) => m['phase'] === 'generated' && proc.kill('SIGKILL') },
    );
    expect(first.signal).toBe('SIGKILL');
    const produced = message(first, 'generated')!.produced!;
    const onDisk = spooledNames(dir);
    expect(onDisk.size).toBeGreaterThan(0);
    // A crash mid-append: the last segment ends in a torn record.
    const last = readdirSync(dir).filter((n) => n.endsWith('.spool')).sort().pop()!;
    appendFileSync(join(dir, last), '0badc0de {"v":1,"time":"');
    receiver().faults.clear();
    const second = await runChild(`const handle = tracing.setupLangfuse(${SETUP});\n${DRAIN(dir)}\nawait handle.shutdown();`, { env: childEnv(dir), killAfterMs: 60_000 });
    observe(second.stderr);
    const drained = message(second, 'drained')!;
    expect(drained.left).toBe(0);
    expect(drained.stats.corrupt).toBe(1);
    expect(second.stderr.match(/torn or fail their checksum/g)).toHaveLength(1);
    const names = storedNames();
    for (const name of onDisk) expect(names.get(name), name).toBe(1);
    recordFigures({
      suite: SUITE,
      case: 'SIGKILL in the outage, restart after',
      faults: '503, SIGKILL',
      events: produced * 2,
      stored: receiver().events().length,
      duplicated: 0,
      deadLettered: 0,
      lost: produced * 2 - receiver().events().length,
      note: `${onDisk.size} of ${produced} traces had reached the spool, all delivered; the rest were in the processor's queue or not yet written when killed`,
    });
  }, 120_000);

  it('a small spoolMaxBytes: eviction counted, the app unaffected, the disk within the cap', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 100_000 });
    const dir = spoolDir();
    const child = await runChild(
      `
const handle = tracing.setupLangfuse(${SETUP});
const started = Date.now();
${GENERATE('small', 300, 2)}
await handle.shutdown();
const fs = await import('node:fs');
const bytes = fs.readdirSync(${JSON.stringify(dir)}).filter((n) => n.endsWith('.spool')).reduce((s, n) => s + fs.statSync(${JSON.stringify(dir)} + '/' + n).size, 0);
report({ phase: 'done', bytes, stats: handle.stats(), elapsed: Date.now() - started });
`,
      // Above one full batch (flushAt 100 ≈ 95 KB on disk), well below the ~560 KB the run produces: the first
      // batches fit whatever the machine's load does to batch sizes, later ones are evicted.
      { env: childEnv(dir, { LANGFUSE_SPOOL_MAX_BYTES: '262144' }), killAfterMs: 60_000 },
    );
    observe(child.stderr);
    expect(child.code).toBe(0);
    const done = child.messages.find((m) => m['phase'] === 'done') as { bytes: number; stats: ExporterStats };
    expect(done.stats.evicted).toBeGreaterThan(0);
    expect(done.stats.spooled).toBeGreaterThan(0);
    expect(done.bytes).toBeLessThanOrEqual(262_144);
    expect(child.stderr.match(/the spool is full/g)).toHaveLength(1);
  }, 60_000);

  it('two processes on one directory never send the same segment', async () => {
    receiver().reset();
    receiver().faults.push({ status: 503, times: 100_000 });
    const dir = spoolDir();
    const first = await runChild(`const handle = tracing.setupLangfuse(${SETUP});\n${GENERATE('shared', 300, 2)}\nawait handle.shutdown();\nreport({ phase: 'stopped', stats: handle.stats() });`, {
      env: childEnv(dir, { LANGFUSE_SPOOL_MAX_BYTES: String(64 * 1024 * 16) }),
      killAfterMs: 60_000,
    });
    const spooled = message(first, 'stopped')!.stats.spooled;
    const produced = message(first, 'generated')!.produced!;
    expect(readdirSync(dir).filter((n) => n.endsWith('.spool')).length).toBeGreaterThan(1);
    receiver().faults.clear();
    const resume = () => runChild(`const handle = tracing.setupLangfuse(${SETUP});\n${DRAIN(dir)}\nawait handle.shutdown();`, { env: childEnv(dir), killAfterMs: 60_000 });
    const [a, b] = await Promise.all([resume(), resume()]);
    const resumed = [a, b].map((child) => message(child, 'drained')!.stats.resumed);
    expect(resumed[0]! + resumed[1]!).toBe(spooled);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    expect(observationCount()).toBe(produced);
    recordFigures({ suite: SUITE, case: 'two processes drain one directory', faults: '503, then two restarts at once', events: produced * 2, stored: receiver().events().length, duplicated: receiver().stats().duplicateEnvelopeIds, deadLettered: 0, lost: produced * 2 - receiver().events().length, note: `resumed ${resumed.join(' + ')}` });
  }, 120_000);

  it('an unusable directory: one warning, no spool, delivery unchanged', async () => {
    receiver().reset();
    const parent = spoolDir();
    const blocker = join(parent, 'not-a-directory');
    writeFileSync(blocker, '');
    const child = await runChild(`const handle = tracing.setupLangfuse(${SETUP});\n${GENERATE('readonly', 100, 1)}\nawait handle.shutdown();\nreport({ phase: 'done', stats: handle.stats() });`, {
      env: childEnv(join(blocker, 'spool')),
      killAfterMs: 60_000,
    });
    expect(child.code).toBe(0);
    expect(child.stderr.match(/is not usable/g)).toHaveLength(1);
    expect(child.stderr.split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
    expect(observationCount()).toBe(message(child, 'generated')!.produced);
    await sleep(0);
  }, 60_000);
});
