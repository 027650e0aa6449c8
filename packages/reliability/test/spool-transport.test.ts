import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestReceiver } from '@otel-langfuse/test-support';
import type { ReceiverMode } from '@otel-langfuse/receiver';
import { runChild, tell, type ChildResult } from './child-app.js';
import { ensureBuilt, freePort, guardSuite, observe, PUBLIC_KEY, recordFigures, SECRET_KEY, startReceiver } from './harness.js';
import type { ExporterStats } from '@otel-langfuse/exporter';

const SUITE = 'spool-transport';
guardSuite(SUITE);

const dirs: string[] = [];
const receivers: TestReceiver[] = [];
afterAll(async () => {
  for (const receiver of receivers) await receiver.close().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const spoolDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-langfuse-spool-transport-'));
  dirs.push(dir);
  return dir;
};
const receiverOn = async (port: number, mode: ReceiverMode): Promise<TestReceiver> => {
  const receiver = await startReceiver({ port, mode, ui: false });
  receivers.push(receiver);
  return receiver;
};

const setup = (transport: string) =>
  `{ transport: '${transport}', mode: 'batch', flushAt: 100, flushInterval: 200, maxRetries: 1, initialRetryDelayMs: 50, maxRetryDelayMs: 200, requestTimeoutMs: 1000, circuitBreakerCooldownMs: 500, circuitBreakerMaxCooldownMs: 2000, shutdownTimeoutMs: 3000 }`;

/**
 * The app: a few traces with the server up, then on 'outage' 300 spans/s for 3 s (traces of a root and 2 children),
 * all flushed (into the spool); on 'recovered' a few more traces (new traffic finds the server, and `auto` its
 * path), then waits for the spool to be empty.
 */
const APP = (dir: string, transport: string) => `
const fs = await import('node:fs');
const handle = tracing.setupLangfuse(${setup(transport)});
const trace = (name) => tracing.langfuse.trace({ name, input: { name } }, () => {
  for (let c = 0; c < 2; c++) tracing.langfuse.span({ name: name + '-c' + c }, () => c);
});
for (let i = 0; i < 10; i++) trace('before-' + i);
await handle.forceFlush();
report({ phase: 'ready', transport: handle.stats().transport });
await nextCommand();
let produced = 0;
const started = Date.now();
while (produced < 300) {
  const due = Math.min(300, Math.floor((Date.now() - started) / 10) + 1);
  while (produced < due) trace('t-' + produced++);
  await new Promise((r) => setTimeout(r, 5));
}
await handle.forceFlush();
report({ phase: 'generated', produced, stats: handle.stats() });
await nextCommand();
for (let i = 0; i < 10; i++) trace('after-' + i);
await handle.forceFlush();
const segments = () => fs.readdirSync(${JSON.stringify(dir)}).filter((n) => n.endsWith('.spool'));
const drainEnd = Date.now() + 90_000;
while (Date.now() < drainEnd && (segments().length > 0 || handle.stats().spoolBytes > 0)) await new Promise((r) => setTimeout(r, 100));
report({ phase: 'drained', left: segments().length, stats: handle.stats() });
await handle.shutdown();
`;

const message = <T>(child: ChildResult, phase: string) => child.messages.find((m) => m['phase'] === phase) as T | undefined;

/** How often each observation name was stored, over all the receivers. */
function observationNames(receivers: readonly TestReceiver[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const receiver of receivers) {
    for (const event of receiver.events()) {
      if (event.type === 'trace-create' || event.type === 'score-create' || event.type === 'sdk-log') continue;
      const name = (event.body as { name?: string }).name ?? '';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return counts;
}

/** Every span of traces `<prefix>-0..n-1` stored exactly once, with its trace's name. */
function expectEachSpanOnce(receivers: readonly TestReceiver[], prefix: string, n: number): void {
  const names = observationNames(receivers);
  for (let i = 0; i < n; i++) {
    for (const name of [`${prefix}-${i}`, `${prefix}-${i}-c0`, `${prefix}-${i}-c1`]) expect(names.get(name), name).toBe(1);
  }
  const traceNames = new Set(receivers.flatMap((r) => r.traces().map((t) => t.trace?.name)));
  for (let i = 0; i < n; i++) expect(traceNames.has(`${prefix}-${i}`), `trace ${prefix}-${i}`).toBe(true);
}

describe('the spool on both transports, real processes', () => {
  it("transport 'otlp': an outage, then recovery: every spooled span stored exactly once", async () => {
    ensureBuilt();
    const port = await freePort();
    const server = await receiverOn(port, 'v4-events-only');
    const dir = spoolDir();
    const child = await runChild(APP(dir, 'otlp'), {
      env: { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: server.url, LANGFUSE_SPOOL_DIR: dir },
      killAfterMs: 110_000,
      onMessage: (m, proc) => {
        if (m['phase'] === 'ready') {
          server.faults.push({ status: 503, times: 1_000_000 });
          tell(proc, 'outage');
        } else if (m['phase'] === 'generated') {
          server.faults.clear();
          tell(proc, 'recovered');
        }
      },
    });
    observe(child.stderr);
    expect(child.code, child.stderr).toBe(0);
    const generated = message<{ produced: number; stats: ExporterStats }>(child, 'generated')!;
    const drained = message<{ left: number; stats: ExporterStats }>(child, 'drained')!;
    expect(generated.stats.spooled).toBeGreaterThan(0);
    expect(drained.left).toBe(0);
    expect(drained.stats).toMatchObject({ evicted: 0, corrupt: 0, spoolBytes: 0, transport: 'otlp' });
    expect(drained.stats.resumed).toBe(drained.stats.spooled);
    expect(server.requests().every((r) => r.endpoint !== 'ingestion')).toBe(true);
    expectEachSpanOnce([server], 't', generated.produced);
    expectEachSpanOnce([server], 'after', 10);
    recordFigures({
      suite: SUITE,
      case: "transport 'otlp': outage 3 s at 300 spans/s, then recovery",
      faults: '503 until recovery',
      events: server.events().length,
      stored: server.events().length,
      duplicated: server.stats().duplicateEnvelopeIds,
      deadLettered: 0,
      lost: 0,
      note: `${drained.stats.spooled} spans spooled as OTLP records, all resumed`,
    });
  }, 120_000);

  it("transport 'auto': the server comes back as v4 (legacy path refused): what was spooled on the legacy path is delivered over OTLP, once", async () => {
    ensureBuilt();
    const port = await freePort();
    const v3 = await receiverOn(port, 'v3');
    let v4: TestReceiver | undefined;
    const dir = spoolDir();
    const child = await runChild(APP(dir, 'auto'), {
      env: { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY, LANGFUSE_BASE_URL: v3.url, LANGFUSE_SPOOL_DIR: dir },
      killAfterMs: 110_000,
      onMessage: (m, proc) => {
        if (m['phase'] === 'ready') {
          // The upgrade: the v3 server goes away (connection refused) ...
          void v3.close().then(() => tell(proc, 'outage'));
        } else if (m['phase'] === 'generated') {
          // ... and v4 comes up on the same address, refusing traces on the legacy path.
          void receiverOn(port, 'v4-events-only').then((server) => {
            v4 = server;
            tell(proc, 'recovered');
          });
        }
      },
    });
    observe(child.stderr);
    expect(child.code, child.stderr).toBe(0);
    expect(message<{ transport: string }>(child, 'ready')!.transport).toBe('ingestion');
    const generated = message<{ produced: number; stats: ExporterStats }>(child, 'generated')!;
    const drained = message<{ left: number; stats: ExporterStats }>(child, 'drained')!;
    expect(generated.stats.spooled).toBeGreaterThan(0);
    expect(drained.left).toBe(0);
    // The route switched whichever met the v4 server first: new traffic, or a spool resend.
    expect(drained.stats).toMatchObject({ evicted: 0, corrupt: 0, spoolBytes: 0, transport: 'otlp' });
    expectEachSpanOnce([v3, v4!], 'before', 10);
    expectEachSpanOnce([v4!], 't', generated.produced);
    expectEachSpanOnce([v4!], 'after', 10);
    recordFigures({
      suite: SUITE,
      case: "transport 'auto': v3 down, v4 back on the same address",
      faults: 'connection refused, then a v4 server',
      events: v4!.events().length,
      stored: v4!.events().length,
      duplicated: v4!.stats().duplicateEnvelopeIds,
      deadLettered: 0,
      lost: 0,
      note: `${drained.stats.spooled} records spooled on the legacy path, delivered over OTLP after the switch`,
    });
  }, 120_000);
});
