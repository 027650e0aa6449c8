import { describe, expect, it, vi } from 'vitest';
import type { DroppedEvent } from '../src/index.js';
import { exporterFor, makeSpans, useExporterTestBed } from './helpers.js';

describe('recordDropped()', () => {
  const { receiver } = useExporterTestBed();

  it('counts spans turned away before export under their reason and gives their events to onDrop, sending nothing', async () => {
    const dropped: { reason: string; events: DroppedEvent[] }[] = [];
    const exporter = exporterFor(receiver(), { onDrop: (events, reason) => dropped.push({ reason, events }) });
    exporter.recordDropped(makeSpans(3), 'queue-full');
    expect(exporter.stats().eventsDropped).toEqual({ 'queue-full': 3 });
    await vi.waitFor(() => expect(dropped.flatMap((d) => d.events)).toHaveLength(6)); // a trace-create and a span each
    expect(new Set(dropped.map((d) => d.reason))).toEqual(new Set(['queue-full']));
    await exporter.shutdown();
    expect(receiver().stats().requests).toBe(0);
  });
});
