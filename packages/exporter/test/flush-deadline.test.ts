import { describe, expect, it, vi } from 'vitest';
import type { DroppedEvent } from '../src/index.js';
import { exportSpans, exporterFor, makeSpans, succeeded, useExporterTestBed } from './helpers.js';

/** Generous room over a deadline for a loaded machine: the assertion is "bounded", not "fast". */
const MARGIN_MS = 2_000;

describe('forceFlush({ timeoutMs }) and shutdown({ timeoutMs })', () => {
  const { receiver } = useExporterTestBed({ captureDiag: true });

  it('forceFlush resolves by its deadline against a hung server: the delivery is aborted, counted, given to onDrop; the exporter stays usable', async () => {
    receiver().faults.push({ hang: true, times: 1 });
    const dropped: { reason: string; events: DroppedEvent[] }[] = [];
    const exporter = exporterFor(receiver(), { exportTimeoutMs: 60_000, requestTimeoutMs: 60_000, exportConcurrency: 2, onDrop: (events, reason) => dropped.push({ reason, events }) });
    void exportSpans(exporter, makeSpans(2));
    await vi.waitFor(() => expect(receiver().stats().requests).toBeGreaterThan(0));
    const started = Date.now();
    await expect(exporter.forceFlush({ timeoutMs: 400 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(400 + MARGIN_MS);
    expect(exporter.stats().eventsDropped).toEqual({ 'flush-deadline': 4 });
    expect(dropped.map((d) => d.reason)).toEqual(['flush-deadline']);
    expect(exporter.stats().exportsInFlight).toBe(0);

    // Only what was running was aborted: the next export goes through.
    const next = await exportSpans(exporter, makeSpans(1));
    expect(succeeded(next)).toBe(true);
    await exporter.forceFlush({ timeoutMs: 5_000 });
    expect(exporter.stats().eventsSent).toBe(2);
    await exporter.shutdown();
  });

  it('forceFlush without a deadline waits for a slow answer that comes in time', async () => {
    receiver().faults.push({ delayMs: 300, times: 1 });
    const exporter = exporterFor(receiver(), { exportConcurrency: 2 });
    void exportSpans(exporter, makeSpans(1));
    await exporter.forceFlush();
    expect(exporter.stats().eventsSent).toBe(2);
    expect(exporter.stats().eventsDropped).toEqual({});
    await exporter.shutdown();
  });

  it('shutdown resolves by its deadline against a hung server; what it carried is counted as shutdown', async () => {
    receiver().faults.push({ hang: true, times: 10 });
    const exporter = exporterFor(receiver(), { exportTimeoutMs: 60_000, requestTimeoutMs: 60_000, exportConcurrency: 2 });
    void exportSpans(exporter, makeSpans(2));
    await vi.waitFor(() => expect(receiver().stats().requests).toBeGreaterThan(0));
    const started = Date.now();
    await expect(exporter.shutdown({ timeoutMs: 400 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(400 + MARGIN_MS);
    expect(exporter.stats().eventsDropped).toEqual({ shutdown: 4 });
  });

  it('an invalid timeoutMs falls back to the default instead of throwing', async () => {
    const exporter = exporterFor(receiver());
    await expect(exporter.forceFlush({ timeoutMs: Number.NaN })).resolves.toBeUndefined();
    await expect(exporter.forceFlush({ timeoutMs: -5 })).resolves.toBeUndefined();
    await exporter.shutdown();
  });
});
