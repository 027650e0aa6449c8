import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type CapturedDiag } from '@otel-langfuse/test-support';
import { ComponentLogger } from '../../src/diagnostics/component-logger.js';
import { acquireSegmentLock, lockPathOf, releaseSegmentLock } from '../../src/spool/segment-lock.js';
import { listSegments } from '../../src/spool/segment-names.js';
import { SegmentWriter } from '../../src/spool/segment-writer.js';
import { emptySpoolCounters } from '../../src/spool/spool-counters.js';
import { frameRecord, splitSegment, unframeRecord } from '../../src/spool/spool-record.js';
import { isTransientReason } from '../../src/spool/transient-reason.js';

let logs: CapturedDiag;
let dir: string;
beforeEach(() => {
  logs = captureDiag();
  dir = mkdtempSync(join(tmpdir(), 'spool-'));
});
afterEach(() => logs.restore());

const record = (n: number, size = 10) => JSON.stringify({ n, pad: 'p'.repeat(size) });
const writer = (limits: { maxBytes?: number; segmentBytes?: number; maxPendingBytes?: number } = {}, counters = emptySpoolCounters()) =>
  new SegmentWriter(dir, { maxBytes: 1_000_000, segmentBytes: 1_000_000, maxPendingBytes: 1_000_000, ...limits }, counters, new ComponentLogger('test'));

describe('spool records', () => {
  it('round-trip with a checksum; a flipped byte or a torn last line is skipped alone', () => {
    const lines = [1, 2, 3].map((n) => frameRecord(record(n)));
    expect(unframeRecord(lines[0]!.slice(0, -1))).toBe(record(1));
    const flipped = lines[1]!.replace('"n":2', '"n":7');
    const text = lines[0]! + flipped + lines[2]! + lines[0]!.slice(0, 15);
    expect(splitSegment(text)).toEqual({ records: [record(1), record(3)], corrupt: 2 });
  });

  it('only transient causes are spooled', () => {
    for (const reason of ['retries-exhausted', 'network-ECONNREFUSED', 'timeout', 'circuit-open', 'memory-cap', 'queue-full', 'shutdown', 'flush-deadline']) {
      expect(isTransientReason(reason), reason).toBe(true);
    }
    for (const reason of ['event-400', 'http-401', 'http-403', 'http-413', 'event-too-large', 'mapping-error', 'disabled', 'internal-error']) {
      expect(isTransientReason(reason), reason).toBe(false);
    }
  });
});

describe('segment locks', () => {
  it('are exclusive, released only by their owner, and taken over from a process that is gone', async () => {
    const segment = join(dir, 'seg-1.spool');
    expect(await acquireSegmentLock(segment)).toBe(true);
    expect(await acquireSegmentLock(segment)).toBe(false);
    await releaseSegmentLock(segment);
    expect(await acquireSegmentLock(segment)).toBe(true);
    await releaseSegmentLock(segment);

    // A lock left by a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockPathOf(segment), `${dead.stdout} 0123456789ab\n`);
    expect(await acquireSegmentLock(segment)).toBe(true);
    await releaseSegmentLock(segment);

    // A lock of a live process (the test runner's parent) is left alone; so is one of this pid by another token? no:
    // that is this pid reused after a restart, taken over.
    writeFileSync(lockPathOf(segment), `${process.ppid} 0123456789ab\n`);
    expect(await acquireSegmentLock(segment)).toBe(false);
    writeFileSync(lockPathOf(segment), `${process.pid} 0123456789ab\n`);
    expect(await acquireSegmentLock(segment)).toBe(true);
  });
});

describe('SegmentWriter', () => {
  it('appends off the caller, mode 0600, rolls segments, and locks the open one until sealed', async () => {
    const counters = emptySpoolCounters();
    const w = writer({ segmentBytes: 200 }, counters);
    for (let i = 0; i < 10; i++) expect(w.tryAdd([record(i, 40)])).toBe(true);
    expect(counters.spooled).toBe(0); // nothing written yet on the caller's stack
    await w.flush();
    const segments = await listSegments(dir);
    expect(segments.length).toBeGreaterThan(1);
    expect(counters.spooled).toBe(10);
    expect(counters.bytes).toBe(segments.reduce((sum, s) => sum + s.bytes, 0));
    for (const s of segments) expect(statSync(s.path).mode & 0o777).toBe(0o600);
    const all = segments.flatMap((s) => splitSegment(readFileSync(s.path, 'utf8')).records).map((r) => (JSON.parse(r) as { n: number }).n);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const open = w.openSegment!;
    expect(readdirSync(dir)).toContain(`${open.split('/').pop()}.lock`);
    await w.close();
    expect(readdirSync(dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
    expect(w.tryAdd([record(99)])).toBe(false);
  });

  it('never passes maxBytes: newer records are refused whole and counted as evicted, said once', async () => {
    const counters = emptySpoolCounters();
    const w = writer({ maxBytes: 1_000 }, counters);
    let taken = 0;
    for (let i = 0; i < 30; i++) if (w.tryAdd([record(i, 40), record(i, 40)])) taken += 2;
    await w.close();
    const bytes = (await listSegments(dir)).reduce((sum, s) => sum + s.bytes, 0);
    expect(bytes).toBeLessThanOrEqual(1_000);
    expect(counters.spooled).toBe(taken);
    expect(counters.evicted).toBe(60 - taken);
    expect(logs.text().match(/the spool is full/g)).toHaveLength(1);
  });
});
