import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { captureDiag, ensureTracingBuilt, resetOtelGlobals, startTestReceiver, type CapturedDiag, type TestReceiver } from '@otel-langfuse/test-support';
import type { ReceiverOptions } from '@otel-langfuse/receiver';
import type { DroppedEvent, ExporterStats } from '@otel-langfuse/exporter';

/** One secret key for the whole suite: no diagnostic, error, stats, file or output may ever contain it. */
export const PUBLIC_KEY = 'pk-lf-reliability-suite';
export const SECRET_KEY = 'sk-lf-reliability-3c9f1e7a5b2d4c6e8a0f';
/** The Basic auth credentials as they travel: just as secret. */
export const BASIC_CREDENTIALS = Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString('base64');

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const RESULTS_DIR = join(tmpdir(), 'otel-langfuse-reliability');

export function startReceiver(options: ReceiverOptions = {}): Promise<TestReceiver> {
  return startTestReceiver({ publicKey: PUBLIC_KEY, secretKey: SECRET_KEY, ...options });
}

/**
 * The receiver of a suite file: started before its tests (after `ensureBuilt` when the file runs built binaries),
 * closed after them; after each test its fault script is cleared and OTel's globals are reset.
 */
export function useSuiteReceiver(options: { needsBuild?: boolean } = {}): () => TestReceiver {
  let receiver: TestReceiver | undefined;
  beforeAll(async () => {
    if (options.needsBuild) ensureBuilt();
    receiver = await startReceiver();
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
  });
  afterEach(() => {
    receiver?.faults.clear();
    resetOtelGlobals();
  });
  return () => {
    if (!receiver) throw new Error('the suite receiver starts in beforeAll: use it inside hooks and tests');
    return receiver;
  };
}

/** A port nothing listens on now (for "connection refused, then the receiver comes back on the same port"). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export { resetOtelGlobals };

export const sum = (record: Record<string, number> | undefined): number => Object.values(record ?? {}).reduce((a, b) => a + b, 0);
export const undeliveredOf = (stats: ExporterStats): number => sum(stats.eventsDropped) + sum(stats.eventsRejected);

/** What `onDrop` received, in order. */
export class DropLog {
  readonly calls: { reason: string; events: DroppedEvent[] }[] = [];
  readonly hook = (events: DroppedEvent[], reason: string): void => {
    this.calls.push({ reason, events: [...events] });
  };
  get events(): DroppedEvent[] {
    return this.calls.flatMap((call) => call.events);
  }
  byReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const call of this.calls) out[call.reason] = (out[call.reason] ?? 0) + call.events.length;
    return out;
  }
  /** Observation ids (span ids) among the dropped events. */
  observationIds(): string[] {
    return this.events.filter((e) => e.type !== 'trace-create' && e.type !== 'score-create').map((e) => e.body.id);
  }
}

/** A row of the figures table in docs/reliability.md. */
export interface FigureRow {
  suite: string;
  case: string;
  /** Fault steps (or conditions) applied. */
  faults: string;
  /** Events the exporter tried to deliver (delivered + given up on). */
  events: number;
  stored: number;
  duplicated: number;
  deadLettered: number;
  /** Events neither stored nor dead-lettered. Every case asserts 0. */
  lost: number;
  note?: string;
}

const rows: FigureRow[] = [];

export function recordFigures(row: FigureRow): void {
  rows.push(row);
}

export function observe(text: string): void {
  observed.push(text);
}
const observed: string[] = [];

export function assertNoSecret(text: string, where: string): void {
  expect(text.includes(SECRET_KEY), `the secret key appeared in ${where}`).toBe(false);
  expect(text.includes(BASIC_CREDENTIALS), `the Basic credentials appeared in ${where}`).toBe(false);
}

/**
 * Guards of every reliability file: all diag output captured for the whole file, an `unhandledRejection` listener,
 * and at the end: no unhandled rejection, the secret key in no diagnostic and in nothing else observed, the figures
 * written to a JSON file under the OS temp dir and printed.
 */
export function guardSuite(suite: string): { logs: () => CapturedDiag; rejections: unknown[]; since(mark: number): { level: string; message: string }[] } {
  let logs: CapturedDiag | undefined;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => {
    logs = captureDiag();
    process.on('unhandledRejection', onRejection);
  });
  afterAll(() => {
    for (const path of tmpFiles.splice(0)) rmSync(path, { force: true });
    process.off('unhandledRejection', onRejection);
    const text = logs?.text() ?? '';
    logs?.restore();
    expect(rejections.map(String)).toEqual([]);
    assertNoSecret(text, 'a diagnostic');
    for (const [i, item] of observed.entries()) assertNoSecret(item, `observed output #${i}`);
    const mine = rows.filter((row) => row.suite === suite);
    if (mine.length > 0) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, `${suite}.json`), `${JSON.stringify(mine, null, 2)}\n`);
      console.log(`\n[reliability] ${suite} (also in ${join(RESULTS_DIR, `${suite}.json`)})\n${table(mine)}`);
    }
  });
  return {
    logs: () => {
      if (!logs) throw new Error('diag is captured from beforeAll on');
      return logs;
    },
    rejections,
    since: (mark) => (logs ? logs.lines.slice(mark) : []),
  };
}

function table(list: FigureRow[]): string {
  const head = '| case | faults | events | stored | duplicated | dead-lettered | lost |';
  const lines = list.map((r) => `| ${r.case} | ${r.faults} | ${r.events} | ${r.stored} | ${r.duplicated} | ${r.deadLettered} | ${r.lost} |${r.note ? ` ${r.note}` : ''}`);
  return [head, '|---|---|---|---|---|---|---|', ...lines].join('\n');
}

/** The lines of a JSONL file, parsed (empty when the file does not exist). */
export function readJsonl(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let tmpCounter = 0;
const tmpFiles: string[] = [];

/** A fresh path under the results directory, removed after the suite file (the figures stay). */
export function tmpFile(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${process.pid}-${Date.now()}-${tmpCounter++}-${name}`);
  tmpFiles.push(path);
  return path;
}

/** Builds packages/tracing when its output is older than its sources (the child apps import the built package). */
export const ensureBuilt = ensureTracingBuilt;

export const TRACING_DIST = join(REPO, 'packages/tracing/dist/index.js');
export const EXPORTER_DIST = join(REPO, 'packages/exporter/dist/index.js');
export const REPLAY_BIN = join(REPO, 'packages/exporter/bin/otel-langfuse-replay.js');
