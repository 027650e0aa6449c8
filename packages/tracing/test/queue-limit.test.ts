import { describe, expect, it, vi } from 'vitest';
import { langfuse } from '../src/index.js';
import { observations, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

describe('the batch queue limit', () => {
  it('counts the spans a full queue turns away (with one warning) and delivers the rest: none vanish silently', async () => {
    const handle = setup({ mode: 'batch', flushAt: 10, maxQueueSize: 20, flushInterval: 3600 });
    // Synchronously: the first 10 leave in an export at once, the next 20 fill the queue, the remaining 70 do not fit.
    for (let i = 0; i < 100; i++) langfuse.span({ name: `s${i}` }, () => undefined);
    await handle.forceFlush();
    const stats = handle.stats();
    expect(observations(receiver().events())).toHaveLength(30);
    expect(stats.eventsDropped).toEqual({ 'queue-full': 70 });
    expect(stats.spansReceived).toBe(30);
    expect(logs().lines.filter((l) => l.message.includes('the span queue is full'))).toHaveLength(1);
  });

  it('bounds the queue in bytes too (maxBufferedBytes): with the server behind, large spans are turned away, counted, with one warning', async () => {
    const handle = setup({ mode: 'batch', flushAt: 512, maxQueueSize: 2048, flushInterval: 600, maxBufferedBytes: 1024 * 1024 });
    // Every request takes a while: the exporter is behind while the burst ends.
    receiver().faults.push({ delayMs: 300, times: 20 });
    const burst = (prefix: string, count: number, bytes = 150 * 1024) =>
      langfuse.trace({ name: `${prefix}-root` }, () => {
        for (let i = 0; i < count; i++) langfuse.span({ name: `${prefix}${i}`, input: 'x'.repeat(bytes) }, () => undefined);
        // Small spans still fit in what is left.
        langfuse.span({ name: `${prefix}-small` }, () => undefined);
      });
    // 30 × ~150 KB against 1 MiB in the queue (sent early from 256 KiB) and 1 MiB in the exporter: what does not fit
    // is counted, never lost.
    burst('big', 30);
    await handle.forceFlush({ timeoutMs: 30_000 });
    const names = () => observations(receiver().events()).map((e) => String(e.body['name']));
    const dropped = handle.stats().eventsDropped;
    const delivered = names().filter((n) => /^big\d+$/.test(n)).length;
    expect(dropped['queue-full'] ?? 0).toBeGreaterThan(0);
    expect(delivered + (dropped['queue-full'] ?? 0) + (dropped['memory-cap'] ?? 0)).toBe(30);
    expect(names()).toEqual(expect.arrayContaining(['big-root', 'big-small']));
    expect(logs().lines.filter((l) => l.message.includes('of span attributes (maxBufferedBytes)'))).toHaveLength(1);
    // Once delivered, the bytes are free again: a burst under the early-send mark (6 × 30 KB of 256 KiB) all arrives.
    receiver().faults.clear();
    const before = { ...dropped };
    burst('again', 6, 30 * 1024);
    await handle.forceFlush();
    expect(names().filter((n) => /^again\d$/.test(n))).toHaveLength(6);
    expect(handle.stats().eventsDropped).toEqual(before);
  });

  it('sends at once when the bytes cap is reached, rather than waiting for the timer: an idle server loses nothing', async () => {
    const handle = setup({ mode: 'batch', flushAt: 512, maxQueueSize: 2048, flushInterval: 600, maxBufferedBytes: 1024 * 1024 });
    const big = 'x'.repeat(200 * 1024);
    const stored = (name: string) => observations(receiver().events()).some((e) => e.body['name'] === name);
    // 20 × 200 KB, sent early from 256 KiB (a quarter of 1 MiB), no flush and the timer 10 minutes away: each span
    // past that mark sends the one before it.
    for (let i = 0; i < 20; i++) {
      langfuse.span({ name: `steady${i}`, input: big }, () => undefined);
      if (i > 0) await vi.waitFor(() => expect(stored(`steady${i - 1}`)).toBe(true), { timeout: 10_000 });
    }
    await handle.forceFlush();
    expect(handle.stats().eventsDropped).toEqual({});
    expect(observations(receiver().events()).filter((e) => String(e.body['name']).startsWith('steady'))).toHaveLength(20);
  });

  it("with the server behind, the processor's timer batch waits for the exporter: never more deliveries than it takes", async () => {
    // flushInterval 1 s: the timer fires while the early-sent batches are still being delivered (2.5 s each).
    const handle = setup({ mode: 'batch', flushAt: 512, maxQueueSize: 2048, flushInterval: 1, maxBufferedBytes: 8 * 1024 * 1024 });
    receiver().faults.push({ delayMs: 2_500, times: 50 });
    const big = 'x'.repeat(300 * 1024);
    for (let i = 0; i < 40; i++) langfuse.span({ name: `burst${i}`, input: big }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const beforeFlush = receiver().requests().map((r) => Date.parse(r.time));
    await handle.forceFlush({ timeoutMs: 30_000 });
    // Each request is answered 2.5 s after it arrives: none arrived while two others were still unanswered.
    expect(beforeFlush.length).toBeGreaterThanOrEqual(2);
    for (const at of beforeFlush) expect(beforeFlush.filter((t) => t <= at && t > at - 2_400).length).toBeLessThanOrEqual(2);
    const dropped = handle.stats().eventsDropped;
    const delivered = observations(receiver().events()).filter((e) => String(e.body['name']).startsWith('burst')).length;
    expect(delivered).toBeGreaterThan(0);
    // Every span delivered, turned away (counted in spans) or with its events dropped at the exporter's cap (counted in
    // events: a root span is a trace and its span).
    expect(delivered + (dropped['queue-full'] ?? 0)).toBeLessThanOrEqual(40);
    expect(delivered + (dropped['queue-full'] ?? 0) + (dropped['memory-cap'] ?? 0)).toBeGreaterThanOrEqual(40);
    expect(handle.stats().exportsInFlight).toBe(0); // the flush waited for a batch the timer handed over, too
  });

  it('a burst past the early-send mark but under the cap, with the exporter busy, is all kept and delivered', async () => {
    const handle = setup({ mode: 'batch', flushAt: 512, maxQueueSize: 4096, flushInterval: 600, maxBufferedBytes: 4 * 1024 * 1024 });
    // 2,000 × 2 KB (4 MB): the processor sends the first two batches of 512 itself, which keeps the exporter busy; the
    // rest (2 MB, past the early-send mark of 1 MiB) waits in the queue, under its 4 MiB cap.
    for (let i = 0; i < 2_000; i++) langfuse.span({ name: `kept${i}`, input: 'x'.repeat(2 * 1024) }, () => undefined);
    await handle.forceFlush();
    expect(handle.stats().eventsDropped).toEqual({});
    expect(observations(receiver().events()).filter((e) => String(e.body['name']).startsWith('kept'))).toHaveLength(2_000);
  });

  it('counts bytes as they were when admitted: a processor after ours that shrinks attributes cannot leave the queue full', async () => {
    // The redactor runs after our processor (spans reach it once ours has queued them).
    const redactor = {
      onStart: () => undefined,
      onEnd: (span: { attributes: Record<string, unknown> }) => {
        for (const key of Object.keys(span.attributes)) if (key.includes('input')) span.attributes[key] = '[redacted]';
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const handle = setup({ mode: 'batch', flushAt: 512, maxQueueSize: 2048, flushInterval: 600, maxBufferedBytes: 1024 * 1024, spanProcessors: [redactor] });
    const big = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 8; i++) {
      langfuse.span({ name: `redacted${i}`, input: big }, () => undefined);
      await handle.forceFlush();
    }
    for (let i = 0; i < 5; i++) langfuse.span({ name: `small${i}` }, () => undefined);
    await handle.forceFlush();
    expect(handle.stats().eventsDropped).toEqual({});
    expect(observations(receiver().events()).filter((e) => String(e.body['name']).startsWith('small'))).toHaveLength(5);
  });

  it('lets spans in again once the queue has drained', async () => {
    const handle = setup({ mode: 'batch', flushAt: 5, maxQueueSize: 5, flushInterval: 3600 });
    for (let i = 0; i < 20; i++) langfuse.span({ name: `burst${i}` }, () => undefined);
    await handle.forceFlush();
    for (let i = 0; i < 5; i++) langfuse.span({ name: `later${i}` }, () => undefined);
    await handle.forceFlush();
    const names = observations(receiver().events()).map((e) => String(e.body['name']));
    expect(names.filter((n) => n.startsWith('later'))).toHaveLength(5);
    expect(handle.stats().eventsDropped['queue-full']).toBe(20 - 10);
  });
});
