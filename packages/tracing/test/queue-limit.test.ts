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
