import { describe, expect, it, vi } from 'vitest';
import type { DroppedEvent } from '../src/index.js';
import { exportSpans, exporterFor, makeSpans, succeeded, useExporterTestBed } from './helpers.js';

describe('abort()', () => {
  const { receiver } = useExporterTestBed({ captureDiag: true });

  it('ends deliveries a hung server holds: counted as shutdown, given to onDrop, and shutdown returns at once', async () => {
    receiver().faults.push({ hang: true, times: 100 });
    const dropped: { reason: string; events: DroppedEvent[] }[] = [];
    const exporter = exporterFor(receiver(), { exportTimeoutMs: 60_000, requestTimeoutMs: 60_000, onDrop: (events, reason) => dropped.push({ reason, events }) });
    const exported = exportSpans(exporter, makeSpans(2));
    await vi.waitFor(() => expect(receiver().stats().requests).toBeGreaterThan(0));
    exporter.abort();
    const result = await exported;
    expect(succeeded(result)).toBe(false);
    await exporter.shutdown();
    expect(exporter.stats().eventsDropped).toEqual({ shutdown: 4 });
    expect(dropped.flatMap((d) => d.events.map(() => d.reason))).toEqual(['shutdown', 'shutdown', 'shutdown', 'shutdown']);
  });

  it('is harmless on an idle exporter, and twice', async () => {
    const idle = exporterFor(receiver());
    idle.abort();
    idle.abort();
    await idle.shutdown();
    expect(idle.stats().eventsDropped).toEqual({});
  });
});
