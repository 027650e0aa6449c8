import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplayCli } from '../../src/replay/replay-cli.js';
import { ingestionLine } from '../../src/losses/dead-letter-record.js';
import { acquireSegmentLock, releaseSegmentLock } from '../../src/spool/segment-lock.js';
import { frameRecord } from '../../src/spool/spool-record.js';
import { useExporterTestBed } from '../helpers.js';

const bed = useExporterTestBed();

const event = (n: number) =>
  JSON.stringify({ id: `env-${n}`, type: 'span-create', timestamp: new Date(0).toISOString(), body: { id: `obs-${n}`, traceId: 'trace-1', name: `span-${n}` } });
const segmentText = (ns: number[]) => ns.map((n) => frameRecord(ingestionLine(event(n), 'circuit-open', new Date(0).toISOString()).slice(0, -1))).join('');

describe('otel-langfuse-replay --spool-dir', () => {
  it('drains a spool directory by hand: unlocked segments sent in order and deleted, a locked one left, corrupt records counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-spool-'));
    writeFileSync(join(dir, 'seg-000000000000001-1-000001.spool'), segmentText([1, 2]) + 'deadbeef {"torn');
    writeFileSync(join(dir, 'seg-000000000000002-1-000002.spool'), segmentText([3]));
    const held = join(dir, 'seg-000000000000003-1-000003.spool');
    writeFileSync(held, segmentText([4]));
    expect(await acquireSegmentLock(held)).toBe(true);
    const out: string[] = [];
    const receiver = bed.receiver();
    const code = await runReplayCli(['--spool-dir', dir, '--base-url', receiver.url, '--json'], {
      stdout: (line) => out.push(line),
      stderr: (line) => out.push(line),
      env: { LANGFUSE_PUBLIC_KEY: receiver.publicKey, LANGFUSE_SECRET_KEY: receiver.secretKey },
    });
    await releaseSegmentLock(held);
    expect(code).toBe(1); // one record was invalid
    const report = JSON.parse(out.find((line) => line.startsWith('{'))!) as { records: number; accepted: number; invalidLines: number };
    expect(report).toMatchObject({ records: 3, accepted: 3, invalidLines: 1 });
    expect(receiver.events().map((e) => e.body.id)).toEqual(['obs-1', 'obs-2', 'obs-3']);
    expect(readdirSync(dir)).toEqual(['seg-000000000000003-1-000003.spool']);
  });
});
