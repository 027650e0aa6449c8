import { describe, expect, it } from 'vitest';
import { exportSpans, exporterFor, makeSpans } from '@otel-langfuse/test-support';
import { DropLog, guardSuite, observe, recordFigures, useSuiteReceiver } from './harness.js';

const SUITE = 'memory-cap';
const guard = guardSuite(SUITE);
const receiver = useSuiteReceiver();

describe('memory cap', () => {
  it('never holds more than maxBufferedBytes for a slow server; the excess is dropped as memory-cap and dead-lettered', async () => {
    receiver().reset();
    receiver().faults.push({ delayMs: 400, times: 1_000 });
    const cap = 65_536;
    const mark = guard.logs().lines.length;
    const drops = new DropLog();
    const exporter = exporterFor(receiver(), { maxBufferedBytes: cap, maxEventBytes: 20_000, maxBatchBytes: 40_000, onDrop: drops.hook });
    const batches = Array.from({ length: 12 }, () => makeSpans(2, { 'langfuse.observation.input': JSON.stringify('m'.repeat(8_000)) }));
    const produced = batches.flat().map((s) => s.spanContext().spanId);

    const results = await Promise.all(batches.map((spans) => exportSpans(exporter, spans)));
    const stats = exporter.stats();
    expect(stats.peakBufferedBytes).toBeGreaterThan(0);
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(cap);
    expect(stats.bufferedBytes).toBe(0);
    expect(stats.eventsDropped['memory-cap']).toBeGreaterThan(0);
    expect(results).toHaveLength(12);

    await exporter.shutdown();
    const stored = receiver().events().filter((e) => e.type !== 'trace-create').map((e) => e.body.id);
    const dropped = new Set(drops.observationIds());
    expect(stored.length).toBeGreaterThan(0);
    expect(produced.filter((id) => !stored.includes(id) && !dropped.has(id))).toEqual([]);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(0);
    expect(guard.since(mark).filter((l) => l.message.includes('maxBufferedBytes'))).toHaveLength(1);
    expect(guard.since(mark).filter((l) => l.message.includes('not delivered in the last'))).toHaveLength(1); // the shutdown summary
    observe(JSON.stringify(stats));
    recordFigures({
      suite: SUITE,
      case: 'memory cap, slow server',
      faults: `every answer 400 ms late, cap ${cap} B, 12 concurrent exports`,
      events: exporter.stats().eventsSent + drops.events.length,
      stored: receiver().events().length,
      duplicated: receiver().stats().duplicateEnvelopeIds,
      deadLettered: drops.events.length,
      lost: 0,
      note: `peak held ${stats.peakBufferedBytes} B`,
    });
  });
});
