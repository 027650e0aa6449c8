import { beforeAll, describe, expect, it } from 'vitest';
import { runChild } from './child-app.js';
import { drip, gzipBomb, HostileServer, startNotTls, writeForever, type HostileAnswer } from './hostile-server.js';
import { ensureBuilt, guardSuite, observe, PUBLIC_KEY, readJsonl, recordFigures, SECRET_KEY, sum, tmpFile } from './harness.js';

const SUITE = 'hostile-server';
guardSuite(SUITE);

const MiB = 1024 * 1024;
/** Memory an export against a hostile server may add to the app, at most. */
const MEMORY_BOUND = 64 * MiB;
const EXPORT_TIMEOUT_MS = 2_000;
/** Generous: the export must end by its deadline, but a loaded CI machine is slow to start and stop a process. */
const DEADLINE_MARGIN_MS = 3_000;
const TRACES = 4;

type Path = 'ingestion' | 'otlp';

/** What the child app reports of one export against a hostile server. */
interface AppReport {
  appOk: boolean;
  thrown: string[];
  rejections: string[];
  produced: string[];
  drops: { reason: string; count: number; ids: string[] }[];
  stats: { eventsSent: number; spansExported: number; eventsDropped: Record<string, number>; eventsRejected: Record<string, number>; deadLettered: number; transport: string };
  flushMs: number;
  peakRssDelta: number;
  peakHeapDelta: number;
  maxLagMs: number;
}

/**
 * The app: traces through the facade with setupLangfuse pointed at the hostile server, one flush, shutdown. It
 * samples its memory (rss, heap + buffers) every 10 ms against a baseline taken after a GC, and its event-loop lag.
 */
const APP = `
const config = JSON.parse(process.env.HOSTILE_CONFIG);
const rejections = [];
process.on('unhandledRejection', (reason) => rejections.push(String(reason)));
const thrown = [];
const drops = [];
const handle = tracing.setupLangfuse({
  ...config.setup,
  onDrop: (events, reason) => drops.push({ reason, count: events.length, ids: events.filter((e) => e.type !== 'trace-create').map((e) => e.body.id) }),
});
const produced = [];
let appOk = true;
for (let i = 0; i < config.traces; i++) {
  const result = tracing.langfuse.trace({ name: 'hostile-' + i, input: { i } }, (root) => {
    produced.push(root.rootObservation.id);
    return tracing.langfuse.span({ name: 'child-' + i }, (child) => { produced.push(child.id); return i * 2; });
  });
  if (result !== i * 2) appOk = false;
}
globalThis.gc();
const base = process.memoryUsage();
let peakRssDelta = 0, peakHeapDelta = 0, maxLagMs = 0, last = performance.now();
const sample = () => {
  const m = process.memoryUsage();
  peakRssDelta = Math.max(peakRssDelta, m.rss - base.rss);
  peakHeapDelta = Math.max(peakHeapDelta, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
  const now = performance.now();
  maxLagMs = Math.max(maxLagMs, now - last - 10);
  last = now;
};
const sampler = setInterval(sample, 10);
const started = performance.now();
try { await handle.forceFlush(); } catch (error) { thrown.push(String(error)); }
const flushMs = performance.now() - started;
sample();
try { await handle.shutdown(); } catch (error) { thrown.push(String(error)); }
clearInterval(sampler);
report({ appOk, thrown, rejections, produced, drops, stats: handle.stats(), flushMs, peakRssDelta, peakHeapDelta, maxLagMs });
`;

async function runApp(baseUrl: string, path: Path): Promise<{ report: AppReport; deadLettered: number }> {
  const deadLetterPath = tmpFile(`hostile-${path}.jsonl`);
  const setup = {
    publicKey: PUBLIC_KEY,
    secretKey: SECRET_KEY,
    baseUrl,
    transport: path,
    mode: 'batch',
    flushInterval: 60,
    flushOnExit: false,
    exportTimeoutMs: EXPORT_TIMEOUT_MS,
    requestTimeoutMs: 10_000,
    maxRetries: 2,
    initialRetryDelayMs: 5,
    maxRetryDelayMs: 50,
    deadLetterPath,
  };
  const run = await runChild(APP, { execArgv: ['--expose-gc'], env: { HOSTILE_CONFIG: JSON.stringify({ setup, traces: TRACES }) }, killAfterMs: 30_000 });
  expect(run.code, run.stderr).toBe(0);
  const report = run.messages[0] as unknown as AppReport;
  observe(JSON.stringify(report));
  observe(run.stderr);
  return { report, deadLettered: readJsonl(deadLetterPath).length };
}

/** What a case expects: every span delivered, or every span given up on under one of these reasons. */
type Expected = { delivered: true } | { undelivered: RegExp; rejected?: boolean };

interface Case {
  name: string;
  answer: HostileAnswer;
  paths: Path[];
  expected: Expected;
  /** Extra checks on the server's side (requests seen). */
  check?: (server: HostileServer, path: Path) => void;
}

const successesFor = (ids: string[]) => ids.map((id) => ({ id, status: 201 }));
const json207 = (res: Parameters<HostileAnswer>[0], body: unknown, contentType = 'application/json') => {
  res.writeHead(207, { 'content-type': contentType });
  res.end(JSON.stringify(body));
};
/** Langfuse's answer on either path: a 207 with every event accepted, or OTLP's empty JSON. */
const accepted: HostileAnswer = (res, ids) => (ids.length > 0 ? json207(res, { successes: successesFor(ids), errors: [] }) : (res.writeHead(200, { 'content-type': 'application/json' }), res.end('{}')));
const HTML = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please log in to the guest Wi-Fi</body></html>';

let bomb: Buffer;
const BOTH: Path[] = ['ingestion', 'otlp'];
/** Attempts per export: the first and maxRetries (2) resends. */
const ATTEMPTS = 3;

const CASES: Case[] = [
  {
    name: 'endless body, fast',
    paths: BOTH,
    answer: (res) => {
      res.writeHead(207, { 'content-type': 'application/json' });
      writeForever(res, Buffer.alloc(64 * 1024, '['));
    },
    expected: { undelivered: /^response-too-large$/ },
    // The legacy path resends (the server dedups envelope ids); OTLP does not.
    check: (server, path) => expect(server.requests).toHaveLength(path === 'ingestion' ? ATTEMPTS : 1),
  },
  { name: 'slow drip, 1 byte / 200 ms', paths: BOTH, answer: (res) => (res.writeHead(207), drip(res, 200)), expected: { undelivered: /^deadline$/ } },
  {
    name: 'huge headers (64 KiB)',
    paths: BOTH,
    answer: (res) => (res.writeHead(200, { 'x-junk': 'j'.repeat(64 * 1024) }), res.end('{}')),
    expected: { undelivered: /^response-too-large$/ },
  },
  { name: '207 with invalid JSON', paths: ['ingestion'], answer: (res) => (res.writeHead(207, { 'content-type': 'application/json' }), res.end('{"successes": [{"id": ')), expected: { undelivered: /^invalid-response$/ } },
  {
    name: '207 with more results than events',
    paths: ['ingestion'],
    answer: (res, ids) => json207(res, { successes: [...successesFor(ids), ...Array.from({ length: 5_000 }, (_, i) => ({ id: `extra-${i}`, status: 201 }))], errors: [] }),
    expected: { delivered: true },
  },
  { name: '207 with unknown ids only', paths: ['ingestion'], answer: (res, ids) => json207(res, { successes: successesFor(ids.map((id) => `not-${id}`)), errors: [] }), expected: { undelivered: /^missing-from-response$/ } },
  { name: '207 with every id twice', paths: ['ingestion'], answer: (res, ids) => json207(res, { successes: [...successesFor(ids), ...successesFor(ids)], errors: [] }), expected: { delivered: true } },
  {
    name: '207 with an error for every event',
    paths: ['ingestion'],
    answer: (res, ids) => json207(res, { successes: [], errors: ids.map((id) => ({ id, status: 400, message: 'Invalid request data', error: [{ path: ['body'], message: 'bad' }] })) }),
    expected: { undelivered: /^event-400$/, rejected: true },
  },
  { name: '200 with an HTML page', paths: BOTH, answer: (res) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end(HTML)), expected: { undelivered: /^invalid-response$/ } },
  { name: 'content-type lies: HTML as application/json', paths: BOTH, answer: (res) => (res.writeHead(200, { 'content-type': 'application/json' }), res.end(HTML)), expected: { undelivered: /^invalid-response$/ } },
  {
    name: 'content-type lies: a good answer as text/html',
    paths: BOTH,
    answer: (res, ids) => (ids.length > 0 ? json207(res, { successes: successesFor(ids), errors: [] }, 'text/html') : (res.writeHead(200, { 'content-type': 'text/html' }), res.end('{}'))),
    expected: { delivered: true },
  },
  {
    name: 'gzip bomb (256 MiB of zeros)',
    paths: BOTH,
    answer: (res) => (res.writeHead(207, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length }), res.end(bomb)),
    expected: { undelivered: /^response-too-large$/ },
  },
  {
    name: 'reset mid-body',
    paths: BOTH,
    answer: (res) => {
      res.writeHead(207, { 'content-type': 'application/json' });
      res.write('{"successes": [');
      setTimeout(() => res.socket?.destroy(), 20);
    },
    expected: { undelivered: /^network-/ },
  },
  {
    name: 'redirect loop (307 to itself)',
    paths: BOTH,
    answer: (res, _ids, server) => (res.writeHead(307, { location: `${server.url}/api/public/ingestion` }), res.end()),
    expected: { undelivered: /^http-307$/, rejected: true },
    check: (server) => expect(server.requests).toHaveLength(1),
  },
];

beforeAll(async () => {
  ensureBuilt();
  bomb = await gzipBomb(256);
}, 120_000);

/** Asserts what every hostile case must hold, and records its figures. */
function assertUnharmed(name: string, path: Path, report: AppReport, deadLettered: number, expected: Expected): void {
  expect(report.appOk).toBe(true);
  expect(report.thrown).toEqual([]);
  expect(report.rejections).toEqual([]);
  expect(report.peakRssDelta).toBeLessThan(MEMORY_BOUND);
  expect(report.peakHeapDelta).toBeLessThan(MEMORY_BOUND);
  expect(report.flushMs).toBeLessThan(EXPORT_TIMEOUT_MS + DEADLINE_MARGIN_MS);
  const { stats } = report;
  const undelivered = sum(stats.eventsDropped) + sum(stats.eventsRejected);
  const droppedIds = new Set(report.drops.flatMap((d) => d.ids));
  if ('delivered' in expected) {
    expect(undelivered).toBe(0);
    expect(stats.spansExported).toBe(report.produced.length);
  } else {
    // Every span counted under the expected reason, handed to onDrop and dead-lettered: nothing silently lost.
    const counted = expected.rejected ? stats.eventsRejected : stats.eventsDropped;
    expect(Object.keys(counted)).toEqual([expect.stringMatching(expected.undelivered)]);
    expect(stats.spansExported).toBe(0);
    expect(report.produced.filter((id) => !droppedIds.has(id))).toEqual([]);
    expect(deadLettered).toBe(undelivered);
    expect(stats.deadLettered).toBe(undelivered);
  }
  recordFigures({
    suite: SUITE,
    case: `${name} (${path})`,
    faults: 'delivered' in expected ? 'delivered' : Object.keys({ ...stats.eventsDropped, ...stats.eventsRejected }).join(', '),
    // On OTLP the unit of the counters is the span.
    events: (stats.transport === 'otlp' ? stats.spansExported : stats.eventsSent) + undelivered,
    stored: stats.transport === 'otlp' ? stats.spansExported : stats.eventsSent,
    duplicated: 0,
    deadLettered,
    lost: 0,
    note: `export ${Math.round(report.flushMs)} ms, peak rss +${(report.peakRssDelta / MiB).toFixed(1)} MiB, heap+buffers +${(report.peakHeapDelta / MiB).toFixed(1)} MiB, max loop lag ${Math.round(report.maxLagMs)} ms`,
  });
}

/** Runs the app against a fresh hostile server per path, the paths side by side (one child process each). */
async function againstEachPath(paths: readonly Path[], start: () => Promise<{ url: string; close: () => Promise<void> }>, test: (path: Path, run: { report: AppReport; deadLettered: number }, url: string) => void): Promise<void> {
  await Promise.all(
    paths.map(async (path) => {
      const server = await start();
      try {
        test(path, await runApp(server.url, path), server.url);
      } finally {
        await server.close();
      }
    }),
  );
}

describe('a hostile server cannot exhaust the app', () => {
  it.each(CASES.map((c) => [`${c.name} (${c.paths.join(', ')})`, c] as const))('%s', async (_title, hostileCase) => {
    const servers = new Map<string, HostileServer>();
    await againstEachPath(
      hostileCase.paths,
      async () => {
        const server = await HostileServer.start(hostileCase.answer);
        servers.set(server.url, server);
        return server;
      },
      (path, { report, deadLettered }, url) => {
        assertUnharmed(hostileCase.name, path, report, deadLettered, hostileCase.expected);
        hostileCase.check?.(servers.get(url)!, path);
      },
    );
  }, 40_000);

  it('TLS handshake failure: https:// to a server that does not speak TLS (ingestion, otlp)', async () => {
    await againstEachPath(
      BOTH,
      async () => {
        const notTls = await startNotTls();
        return { url: notTls.url, close: async () => {
          expect(notTls.connections()).toBeGreaterThan(0);
          await notTls.close();
        } };
      },
      (path, { report, deadLettered }) => assertUnharmed('TLS handshake failure', path, report, deadLettered, { undelivered: /^network-/ }),
    );
  }, 40_000);

  it('cross-host redirect: not followed, no credentials reach the other host (ingestion, otlp)', async () => {
    const elsewhere = await HostileServer.start(accepted, 'localhost');
    const servers = new Map<string, HostileServer>();
    try {
      await againstEachPath(
        BOTH,
        async () => {
          const server = await HostileServer.start((res) => (res.writeHead(307, { location: `${elsewhere.url}/api/public/ingestion` }), res.end()));
          servers.set(server.url, server);
          return server;
        },
        (path, { report, deadLettered }, url) => {
          assertUnharmed('cross-host redirect', path, report, deadLettered, { undelivered: /^http-307$/, rejected: true });
          expect(servers.get(url)!.requests).toHaveLength(1);
        },
      );
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  }, 40_000);
});
