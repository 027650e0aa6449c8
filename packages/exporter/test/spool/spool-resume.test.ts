import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DroppedEvent } from '../../src/index.js';
import { startTestReceiver } from '@otel-langfuse/test-support';
import { exporterFor, exportSpans, makeSpans, useExporterTestBed } from '../helpers.js';
import { listSegments } from '../../src/spool/segment-names.js';
import { frameRecord } from '../../src/spool/spool-record.js';

const bed = useExporterTestBed({ captureDiag: true });
const newDir = () => mkdtempSync(join(tmpdir(), 'spool-resume-'));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const observationIds = () =>
  bed
    .receiver()
    .events()
    .filter((e) => e.type !== 'trace-create')
    .map((e) => e.body.id);

describe('the spool, exporter to receiver', () => {
  for (const transport of ['ingestion', 'otlp'] as const) {
    it(`${transport}: an outage's losses are spooled, not handed to onDrop, and resent once the server answers`, async () => {
      const receiver = bed.receiver();
      receiver.faults.push({ status: 503, times: 10_000 });
      const drops: [DroppedEvent[], string][] = [];
      const spoolDir = newDir();
      const exporter = exporterFor(receiver, { transport, maxRetries: 1, spoolDir, onDrop: (events, reason) => drops.push([events, reason]), circuitBreakerCooldownMs: 200 });
      const spans = makeSpans(30);
      for (let i = 0; i < 30; i += 10) await exportSpans(exporter, spans.slice(i, i + 10));
      await until(() => exporter.stats().spooled >= (transport === 'otlp' ? 30 : 60));
      expect(drops).toEqual([]);
      expect(observationIds()).toEqual([]);
      const onDisk = readdirSync(spoolDir).filter((name) => name.endsWith('.spool'));
      expect(onDisk.length).toBeGreaterThan(0);
      expect(readFileSync(join(spoolDir, onDisk[0]!), 'utf8')).not.toContain(receiver.secretKey);

      receiver.faults.clear();
      await until(() => exporter.stats().resumed === exporter.stats().spooled);
      await until(async () => (await listSegments(spoolDir)).length === 0);
      const ids = observationIds();
      expect(ids.sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(exporter.stats()).toMatchObject({ evicted: 0, corrupt: 0, spoolBytes: 0 });
      await exporter.shutdown();
    }, 60_000);
  }

  it('a permanent refusal (401) is never spooled', async () => {
    const receiver = bed.receiver();
    receiver.faults.push({ status: 401, times: 100 });
    const spoolDir = newDir();
    const exporter = exporterFor(receiver, { transport: 'ingestion', spoolDir });
    await exportSpans(exporter, makeSpans(3));
    await exporter.shutdown();
    expect(exporter.stats().spooled).toBe(0);
    expect(await listSegments(spoolDir)).toEqual([]);
  });

  it('a new exporter resumes what an earlier one left, skipping corrupt records with one diagnostic', async () => {
    const receiver = bed.receiver();
    receiver.faults.push({ status: 503, times: 10_000 });
    const spoolDir = newDir();
    const first = exporterFor(receiver, { transport: 'ingestion', maxRetries: 0, spoolDir });
    const spans = makeSpans(5);
    await exportSpans(first, spans);
    await first.shutdown();
    expect(first.stats().spooled).toBe(10);
    // A torn record (a crash mid-append) and a record failing its checksum, in a segment of their own.
    writeFileSync(join(spoolDir, 'seg-999999999999999-1-000001.spool'), `${frameRecord('{"v":1}').replace('1', '2')}${frameRecord('{"v":1}').slice(0, 5)}`);
    receiver.faults.clear();
    const second = exporterFor(receiver, { transport: 'ingestion', spoolDir });
    await until(() => second.stats().resumed === 10 && existsSync(spoolDir) && readdirSync(spoolDir).length === 0);
    expect(second.stats().corrupt).toBe(2);
    expect(bed.logs().text().match(/torn or fail their checksum/g)).toHaveLength(1);
    expect(observationIds().sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
    await second.shutdown();
  }, 60_000);

  it("transport 'auto': a spool resend that meets a v4 server switches the exporter's route to OTLP, with no new traffic", async () => {
    const receiver = bed.receiver();
    receiver.faults.push({ status: 503, times: 10_000 });
    const spoolDir = newDir();
    const first = exporterFor(receiver, { transport: 'auto', maxRetries: 0, spoolDir });
    const spans = makeSpans(5);
    await exportSpans(first, spans);
    await first.shutdown();
    expect(first.stats().spooled).toBeGreaterThan(0);
    const v4 = await startTestReceiver({ mode: 'v4-events-only' });
    try {
      const second = exporterFor(v4, { transport: 'auto', spoolDir });
      expect(second.stats().transport).toBe('ingestion');
      await until(() => second.stats().resumed > 0 && readdirSync(spoolDir).length === 0);
      expect(second.stats().transport).toBe('otlp');
      expect(v4.stats().otlpSpans).toBe(spans.length);
      await second.shutdown();
    } finally {
      await v4.close();
    }
  }, 60_000);

  it('an unusable directory: one warning, no spool, exporting unchanged', async () => {
    const blocker = join(newDir(), 'a-file');
    writeFileSync(blocker, '');
    chmodSync(blocker, 0o400);
    const exporter = exporterFor(bed.receiver(), { spoolDir: join(blocker, 'spool') });
    await exportSpans(exporter, makeSpans(2));
    expect(observationIds()).toHaveLength(2);
    expect(bed.logs().text().match(/is not usable/g)).toHaveLength(1);
    expect(exporter.stats().spooled).toBe(0);
    await exporter.shutdown();
  });
});
