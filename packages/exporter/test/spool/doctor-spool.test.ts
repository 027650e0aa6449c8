import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { runDoctorCli } from '../../src/doctor/doctor-cli.js';
import { ComponentLogger } from '../../src/diagnostics/component-logger.js';
import { lockPathOf } from '../../src/spool/segment-lock.js';
import { SegmentWriter } from '../../src/spool/segment-writer.js';
import { emptySpoolCounters } from '../../src/spool/spool-counters.js';
import { readSpoolState } from '../../src/spool/spool-state.js';

const PUBLIC = 'pk-lf-doctor-spool';
const SECRET = 'sk-lf-doctor-spool-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const record = (n: number) => JSON.stringify({ v: 1, time: new Date(0).toISOString(), reason: 'circuit-open', path: 'ingestion', event: { id: `e-${n}`, type: 'sdk-log', timestamp: new Date(0).toISOString(), body: { log: n } } });

/**
 * A spool directory as a crash and a running exporter leave it: a sealed segment of 3 records ending in a torn line,
 * locked by a process that is gone; and the segment this process is writing now (5 records, locked by us).
 */
async function spoolLeftBehind(): Promise<{ dir: string; writer: SegmentWriter }> {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-spool-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const limits = { maxBytes: 1_000_000, segmentBytes: 1_000_000, maxPendingBytes: 1_000_000 };
  const first = new SegmentWriter(dir, limits, emptySpoolCounters(), new ComponentLogger('test'));
  first.tryAdd([1, 2, 3].map(record));
  await first.close();
  const [sealed] = readdirSync(dir).filter((name) => name.endsWith('.spool'));
  appendFileSync(join(dir, sealed!), '0badc0de {"v":1,"ti');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(lockPathOf(join(dir, sealed!)), `${dead.stdout} 0123456789ab\n`);
  const writer = new SegmentWriter(dir, limits, emptySpoolCounters(), new ComponentLogger('test'));
  writer.tryAdd([4, 5, 6, 7, 8].map(record));
  await writer.flush();
  cleanups.push(() => writer.close());
  return { dir, writer };
}

describe("the doctor's spool check", () => {
  it('counts segments, bytes, pending records, corrupt lines, and live and stale locks', async () => {
    const { dir } = await spoolLeftBehind();
    const state = await readSpoolState(dir);
    expect(state).toMatchObject({ segments: 2, records: 8, corrupt: 1, lockedByLive: 1, lockedByGone: 1 });
    expect(state.bytes).toBeGreaterThan(8 * record(1).length);
  });

  it('the doctor command reports the directory, its bytes, pending records and locked segments', async () => {
    const receiver: TestReceiver = await startTestReceiver({ publicKey: PUBLIC, secretKey: SECRET, ui: false });
    cleanups.push(() => receiver.close());
    const { dir, writer } = await spoolLeftBehind();
    const out: string[] = [];
    const env = { LANGFUSE_BASE_URL: receiver.url, LANGFUSE_PUBLIC_KEY: PUBLIC, LANGFUSE_SECRET_KEY: SECRET, LANGFUSE_SPOOL_DIR: dir, LANGFUSE_SPOOL_MAX_BYTES: '1048576' };
    const code = await runDoctorCli(['--json', '--no-test-trace'], { stdout: (line) => out.push(line), stderr: () => undefined, env });
    const report = JSON.parse(out.join('\n')) as { checks: { name: string; status: string; summary: string; fix?: string }[] };
    const spool = report.checks.find((check) => check.name === 'spool')!;
    expect(code).toBe(0);
    expect(spool.status).toBe('warn');
    expect(spool.summary).toContain(`spoolDir ${dir}: 2 segment(s), `);
    expect(spool.summary).toMatch(/, \d+ of 1048576 bytes, 8 record\(s\) pending, 1 corrupt line\(s\) to be skipped, 1 segment\(s\) locked by a running process \(being written or sent\), 1 segment\(s\) locked by a process that is gone; records wait/);
    expect(spool.fix).toContain('stale locks are taken over');
    expect(spool.fix).toContain('otel-langfuse-replay --spool-dir');

    // Once sealed and drained (here: removed by hand), the same check says the spool is empty.
    await writer.close();
    for (const name of readdirSync(dir)) rmSync(join(dir, name));
    out.length = 0;
    await runDoctorCli(['--json', '--no-test-trace'], { stdout: (line) => out.push(line), stderr: () => undefined, env });
    const after = (JSON.parse(out.join('\n')) as typeof report).checks.find((check) => check.name === 'spool')!;
    expect(after).toMatchObject({ status: 'ok', summary: `spoolDir ${dir}: 0 segment(s), 0 of 1048576 bytes, 0 record(s) pending; empty` });
  });
});
