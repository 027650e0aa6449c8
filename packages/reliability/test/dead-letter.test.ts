import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportSpans, exporterFor, makeSpans } from '@otel-langfuse/test-support';
import { runScenario } from './fault-scenario.js';
import { assertNoSecret, DropLog, guardSuite, observe, PUBLIC_KEY, readJsonl, recordFigures, REPLAY_BIN, SECRET_KEY, tmpFile, useSuiteReceiver } from './harness.js';

const SUITE = 'dead-letter';
const guard = guardSuite(SUITE);
const receiver = useSuiteReceiver({ needsBuild: true });

/** What the replay command reports with `--json` (the fields these tests read). */
interface ReplayReport {
  records: number;
  ingestionEvents: number;
  otlpSpans: number;
  invalidLines: number;
  accepted: number;
  dryRun: boolean;
}

/** Runs the replay bin as a user does; everything it prints is checked for the secret. */
async function replay(args: string[], env: Record<string, string> = { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY }) {
  const run = await replayBin(args, env);
  observe(run.stdout + run.stderr);
  const stdout = run.stdout.split('\n');
  const json = stdout.find((l) => l.startsWith('{'));
  return { code: run.code, stdout, stderr: run.stderr.split('\n'), report: json ? (JSON.parse(json) as ReplayReport) : undefined };
}

/** Runs the installed bin in a real process (exit codes as a shell sees them). */
function replayBin(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [REPLAY_BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 30_000 }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('dead-letter file and replay', () => {
  it('legacy path: what a 503 outage gave up on is replayed later, once, idempotently', async () => {
    const down = await runScenario({ receiver: receiver(), faults: [{ status: 503, times: 1_000 }], setup: { maxRetries: 1 }, traces: 6 });
    expect(down.stored).toHaveLength(0);
    const text = readFileSync(down.deadLetterPath, 'utf8');
    assertNoSecret(text, 'the dead-letter file');
    expect(statSync(down.deadLetterPath).mode & 0o777).toBe(0o600);
    expect(down.fileRecords.every((r) => r['v'] === 1 && r['path'] === 'ingestion' && typeof r['time'] === 'string')).toBe(true);

    receiver().reset();
    const first = await replay(['--file', down.deadLetterPath, '--base-url', receiver().url, '--json']);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ records: 18, ingestionEvents: 18, accepted: 18, rejected: {}, failed: {}, invalidLines: 0 });
    expect(receiver().events()).toHaveLength(18);
    expect(receiver().events().filter((e) => e.type !== 'trace-create').map((e) => e.body.id).sort()).toEqual([...down.produced].sort());

    // Replaying again changes nothing: the same envelope ids, stored once.
    const again = await replay(['--file', down.deadLetterPath, '--base-url', receiver().url, '--json']);
    expect(again.code).toBe(0);
    expect(receiver().events()).toHaveLength(18);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(18);
    recordFigures({ suite: SUITE, case: 'legacy path: outage, then replay ×2', faults: '503 always, then replayed', events: 18, stored: receiver().events().length, duplicated: 0, deadLettered: down.fileRecords.length, lost: 18 - receiver().events().length, note: 'second replay: 18 duplicates answered, 0 stored twice' });
  });

  it('OTLP path: spans are recorded as OTLP/JSON and replayed to the OTLP endpoint', async () => {
    const down = await runScenario({ receiver: receiver(), faults: [{ status: 503, times: 1_000 }], setup: { maxRetries: 1, transport: 'otlp' }, traces: 3 });
    expect(down.fileRecords).toHaveLength(6);
    expect(down.fileRecords.every((r) => r['path'] === 'otlp' && Array.isArray((r['otlp'] as { resourceSpans?: unknown }).resourceSpans))).toBe(true);
    // The hook got the spans as legacy events (the exporter's mapping): 3 trace-creates + 6 observations.
    expect(down.drops.events).toHaveLength(9);

    receiver().reset();
    const result = await replay(['--file', down.deadLetterPath, '--base-url', receiver().url, '--json']);
    expect(result.code).toBe(0);
    expect(result.report).toMatchObject({ otlpSpans: 6, accepted: 6 });
    expect(receiver().stats().otlpSpans).toBe(6);
    expect(receiver().events().filter((e) => e.type !== 'trace-create').map((e) => e.body.id).sort()).toEqual([...down.produced].sort());
    await replay(['--file', down.deadLetterPath, '--base-url', receiver().url]);
    expect(receiver().events().filter((e) => e.type !== 'trace-create')).toHaveLength(6);
    recordFigures({ suite: SUITE, case: 'OTLP path: outage, then replay ×2', faults: '503 always, then replayed', events: 6, stored: receiver().events().filter((e) => e.type !== 'trace-create').length, duplicated: 0, deadLettered: 6, lost: 0, note: 'unit: spans' });
  });

  it('the mask applies to what is dead-lettered, on both paths', async () => {
    for (const transport of ['ingestion', 'otlp'] as const) {
      const path = tmpFile(`masked-${transport}.jsonl`);
      const drops = new DropLog();
      receiver().reset();
      receiver().faults.push({ status: 500, times: 100 });
      const exporter = exporterFor(receiver(), {
        transport,
        maxRetries: 0,
        deadLetterPath: path,
        onDrop: drops.hook,
        mask: ({ data }) => (typeof data === 'string' ? data.replace(/4111-\d{4}/g, '[card]') : data),
      });
      await exportSpans(exporter, makeSpans(2, { 'langfuse.observation.input': 'pay with 4111-1111' }));
      await exporter.shutdown();
      const text = readFileSync(path, 'utf8');
      expect(text).toContain('[card]');
      expect(text).not.toContain('4111-1111');
      expect(JSON.stringify(drops.events)).not.toContain('4111-1111');
    }
  });

  it('is bounded by deadLetterMaxBytes; what does not fit is counted and said once', async () => {
    const path = tmpFile('small.jsonl');
    const mark = guard.logs().lines.length;
    receiver().reset();
    receiver().faults.push({ status: 500, times: 100 });
    const exporter = exporterFor(receiver(), { maxRetries: 0, deadLetterPath: path, deadLetterMaxBytes: 2_048, circuitBreakerThreshold: 0 });
    for (let i = 0; i < 5; i++) await exportSpans(exporter, makeSpans(4));
    await exporter.shutdown();
    const stats = exporter.stats();
    expect(statSync(path).size).toBeLessThanOrEqual(2_048);
    expect(stats.deadLettered).toBe(readJsonl(path).length);
    expect(stats.deadLettered! + stats.deadLetterSkipped!['file-full']!).toBe(40);
    expect(guard.since(mark).filter((l) => l.message.includes('reached deadLetterMaxBytes'))).toHaveLength(1);
  });

  it('an onDrop hook that throws or rejects is contained and said once', async () => {
    const mark = guard.logs().lines.length;
    receiver().reset();
    receiver().faults.push({ status: 401, times: 100 });
    let calls = 0;
    const exporter = exporterFor(receiver(), {
      onDrop: (events) => {
        calls++;
        if (calls % 2 === 0) return Promise.reject(new Error(`async hook bug (${events.length})`));
        throw new Error('hook bug');
      },
    });
    for (let i = 0; i < 4; i++) await exportSpans(exporter, makeSpans(1));
    await exporter.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(4);
    expect(guard.since(mark).filter((l) => l.message.includes('onDrop hook threw'))).toHaveLength(1);
    expect(guard.rejections).toEqual([]);
  });

  it('replay --dry-run reads and counts, sends nothing, needs no keys', async () => {
    const path = tmpFile('dry.jsonl');
    receiver().reset();
    receiver().faults.push({ status: 503, times: 100 });
    const exporter = exporterFor(receiver(), { maxRetries: 0, deadLetterPath: path });
    await exportSpans(exporter, makeSpans(3));
    await exporter.shutdown();
    receiver().reset();
    appendFileSync(path, '\nnot json\n{"v":99}\n');
    const result = await replay(['--file', path, '--dry-run', '--json'], {});
    expect(result.code).toBe(1); // two invalid lines
    expect(result.report).toMatchObject({ records: 6, ingestionEvents: 6, invalidLines: 2, accepted: 0, dryRun: true });
    expect(result.stderr.filter((l) => l.includes('skipped'))).toHaveLength(2);
    expect(receiver().stats().requests).toBe(0);
  });

  it('the bin: --help, and exit code 2 for every kind of bad usage, never echoing a key', async () => {
    const file = tmpFile('usage.jsonl');
    writeFileSync(file, '');
    const help = await replayBin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: otel-langfuse-replay');
    const keys = { LANGFUSE_PUBLIC_KEY: PUBLIC_KEY, LANGFUSE_SECRET_KEY: SECRET_KEY };
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--bogus'], keys, /Unknown option/],
      [[], keys, /--file is required/],
      [['--file', '/nonexistent/dead-letter.jsonl', '--base-url', receiver().url], keys, /no such file/],
      [['--file', file, '--base-url', receiver().url, '--timeout-ms=soon'], keys, /--timeout-ms must be an integer/],
      [['--file', file, '--base-url', receiver().url], {}, /no keys/],
      [['--file', file], keys, /no base URL/],
      [['--file', file, '--base-url', 'ftp://x'], keys, /must be http/],
      [['--file', file, '--base-url', receiver().url, SECRET_KEY], keys, /Unexpected argument/],
    ];
    for (const [args, env, message] of cases) {
      const run = await replayBin(args, env);
      observe(run.stdout + run.stderr);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      assertNoSecret(run.stderr, `the replay's stderr for ${args.join(' ')}`);
    }
    const empty = await replayBin(['--file', file, '--base-url', receiver().url], keys);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('0 records');
  });
});
