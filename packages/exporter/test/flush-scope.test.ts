import { describe, expect, it } from 'vitest';
import { duringFlush } from '../src/internal.js';
import { exporterFor, makeSpans, useExporterTestBed } from './helpers.js';

const bed = useExporterTestBed();
const microtasks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('where an export starts its work', () => {
  it('called from inside span.end() (no flush running): on a later turn of the event loop, never synchronously', async () => {
    let started = false;
    const exporter = exporterFor(bed.receiver(), { shouldExportSpan: () => (started = true) });
    const turn = nextTurn();
    const done = new Promise((resolve) => exporter.export(makeSpans(1), resolve));
    expect(started).toBe(false);
    await microtasks(20);
    expect(started).toBe(false);
    await turn;
    await nextTurn();
    expect(started).toBe(true);
    await done;
    await exporter.shutdown();
  });

  it('called by a flush (duringFlush): on the next microtask, without waiting for the event loop', async () => {
    let started = false;
    const exporter = exporterFor(bed.receiver(), { shouldExportSpan: () => (started = true) });
    const done = new Promise((resolve) => duringFlush(exporter, () => exporter.export(makeSpans(1), resolve)));
    expect(started).toBe(false);
    await microtasks(5);
    expect(started).toBe(true);
    await done;
    // The mark ends with the flush's synchronous part: a later export waits for the event loop again.
    started = false;
    const later = new Promise((resolve) => exporter.export(makeSpans(1), resolve));
    await microtasks(20);
    expect(started).toBe(false);
    await later;
    await exporter.shutdown();
  });
});
