import { describe, expect, it, vi } from 'vitest';
import { langfuse } from '../src/index.js';
import { observations, setupFor, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

describe('shutdown and forceFlush', () => {
  it('shutdown delivers what is queued, is idempotent, and leaves the facade running user code', async () => {
    const exitListeners = process.listenerCount('beforeExit');
    const handle = setup({ mode: 'batch', flushInterval: 3600 });
    expect(process.listenerCount('beforeExit')).toBe(exitListeners + 1);
    langfuse.trace({ name: 'queued' }, () => langfuse.span({ name: 'queued-child' }, () => undefined));
    const first = handle.shutdown();
    const second = handle.shutdown();
    await Promise.all([first, second, handle.shutdown()]);
    expect(observations(receiver().events()).map((e) => e.body['name']).sort()).toEqual(['queued', 'queued-child']);
    expect(process.listenerCount('beforeExit')).toBe(exitListeners);

    // After shutdown: nothing is sent, nothing throws, user code still runs.
    expect(langfuse.trace({ name: 'late' }, () => 'still runs')).toBe('still runs');
    await handle.forceFlush();
    expect(observations(receiver().events())).toHaveLength(2);
  });

  it('forceFlush hands its batches to the exporter, which starts on them before the next turn of the event loop', async () => {
    let started = false;
    const handle = setup({ mode: 'batch', flushInterval: 600, shouldExportSpan: () => (started = true) });
    langfuse.trace({ name: 'flushed-now' }, () => undefined);
    let startedBeforeTurn: boolean | undefined;
    const turn = new Promise<void>((resolve) =>
      setImmediate(() => {
        startedBeforeTurn = started;
        resolve();
      }),
    );
    const flushed = handle.forceFlush();
    await turn;
    expect(startedBeforeTurn).toBe(true);
    await flushed;
    expect(observations(receiver().events()).map((e) => e.body['name'])).toEqual(['flushed-now']);
  });

  it('shutdown is bounded by shutdownTimeoutMs even when the server hangs, and never rejects', async () => {
    receiver().faults.push({ hang: true, times: 10 });
    const handle = setup({ mode: 'batch', shutdownTimeoutMs: 300, requestTimeoutMs: 60_000, exportTimeoutMs: 60_000 });
    langfuse.span({ name: 'stuck' }, () => undefined);
    await expect(handle.shutdown()).resolves.toBeUndefined();
    expect(logs().lines.some((l) => l.level === 'warn' && l.message.includes('shutdown did not finish within 300 ms'))).toBe(true);
    // The delivery the hung server held was aborted: its span and trace-create are counted, not silently lost.
    expect(handle.stats().eventsDropped).toEqual({ shutdown: 2 });
    receiver().faults.clear();
  });

  it('forceFlush resolves once delivery has definitively failed, and says so in stats()', async () => {
    receiver().faults.push({ status: 500, times: 10 });
    const handle = setup({ mode: 'batch', maxRetries: 1 });
    langfuse.span({ name: 'doomed' }, () => undefined);
    await expect(handle.forceFlush()).resolves.toBeUndefined();
    const stats = handle.stats();
    expect(stats.exportsInFlight).toBe(0);
    expect(Object.values(stats.eventsDropped).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(receiver().events()).toHaveLength(0);
  });

  it('forceFlush waits for exports already started by a full batch', async () => {
    receiver().faults.push({ delayMs: 300 });
    const handle = setup({ mode: 'batch', flushAt: 2, flushInterval: 3600 });
    langfuse.span({ name: 'a' }, () => undefined);
    langfuse.span({ name: 'b' }, () => undefined);
    await handle.forceFlush();
    expect(observations(receiver().events())).toHaveLength(2);
  });

  it('forceFlush during shutdown resolves only once the shutdown delivered the queue', async () => {
    receiver().faults.push({ delayMs: 300 });
    const handle = setup({ mode: 'batch', flushInterval: 3600 });
    langfuse.span({ name: 'flushed-while-shutting-down' }, () => undefined);
    const shutdown = handle.shutdown();
    await handle.forceFlush();
    expect(observations(receiver().events())).toHaveLength(1);
    await shutdown;
  });
});

const namesReceived = (): unknown[] => observations(receiver().events()).map((e) => e.body['name']).sort();

describe('several setups and the exit flush', () => {
  it('a new setup shuts the one it replaces down: its queue is delivered, one exit listener stays', async () => {
    const listenersBefore = process.listenerCount('beforeExit');
    const first = setupFor(receiver(), { mode: 'batch', flushInterval: 3600 });
    langfuse.span({ name: 'from-first' }, () => undefined);
    const second = setupFor(receiver(), { mode: 'batch', flushInterval: 3600 });
    langfuse.span({ name: 'from-second' }, () => undefined);
    const handle = setup({ mode: 'batch', flushInterval: 3600 });
    expect(process.listenerCount('beforeExit')).toBe(listenersBefore + 1);
    await Promise.all([first.shutdown(), second.shutdown()]);
    expect(namesReceived()).toEqual(['from-first', 'from-second']);
    expect(logs().lines.filter((l) => l.level === 'info' && l.message.includes('previous setup'))).toHaveLength(1);
    await handle.shutdown();
    expect(process.listenerCount('beforeExit')).toBe(listenersBefore);
  });

  it('the beforeExit flush never re-enters while it runs, and runs again only for spans ended since', async () => {
    const listenersBefore = process.listeners('beforeExit');
    const handle = setup({ mode: 'batch', flushInterval: 3600 });
    const onBeforeExit = process.listeners('beforeExit').find((listener) => !listenersBefore.includes(listener))!;
    const flushes = vi.spyOn(handle, 'forceFlush');

    onBeforeExit(0); // nothing ended yet
    expect(flushes).not.toHaveBeenCalled();
    receiver().faults.push({ delayMs: 200 });
    langfuse.span({ name: 'exit-1' }, () => undefined);
    onBeforeExit(0);
    onBeforeExit(0); // the flush's own network work: the loop empties again before it is done
    expect(flushes).toHaveBeenCalledTimes(1);
    await flushes.mock.results[0]!.value;
    onBeforeExit(0);
    expect(flushes).toHaveBeenCalledTimes(1);

    langfuse.span({ name: 'exit-2' }, () => undefined);
    onBeforeExit(0);
    expect(flushes).toHaveBeenCalledTimes(2);
    await flushes.mock.results[1]!.value;
    expect(namesReceived()).toEqual(['exit-1', 'exit-2']);
  });
});
