import { describe, expect, it } from 'vitest';
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

  it('bounds the queue in bytes too (maxBufferedBytes): large spans past it are turned away, counted, with one warning', async () => {
    const handle = setup({ mode: 'batch', flushAt: 512, maxQueueSize: 2048, flushInterval: 600, maxBufferedBytes: 1024 * 1024 });
    const big = 'x'.repeat(150 * 1024);
    const burst = (prefix: string, count: number) =>
      langfuse.trace({ name: `${prefix}-root` }, () => {
        for (let i = 0; i < count; i++) langfuse.span({ name: `${prefix}${i}`, input: big }, () => undefined);
        // Small spans still fit in what is left.
        langfuse.span({ name: `${prefix}-small` }, () => undefined);
      });
    // ~150 KB each: six fit in 1 MiB, the other four are turned away.
    burst('big', 10);
    await handle.forceFlush();
    const names = () => observations(receiver().events()).map((e) => String(e.body['name']));
    expect(handle.stats().eventsDropped).toEqual({ 'queue-full': 4 });
    expect(names().filter((n) => /^big\d$/.test(n))).toHaveLength(6);
    expect(names()).toEqual(expect.arrayContaining(['big-root', 'big-small']));
    expect(logs().lines.filter((l) => l.message.includes('MiB of span attributes'))).toHaveLength(1);
    // Once delivered, the bytes are free again.
    burst('again', 6);
    await handle.forceFlush();
    expect(names().filter((n) => /^again\d$/.test(n))).toHaveLength(6);
    expect(handle.stats().eventsDropped).toEqual({ 'queue-full': 4 });
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
