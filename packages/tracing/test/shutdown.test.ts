import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, startTestReceiver, type CapturedDiag, type TestReceiver } from '@otel-langfuse/test-support';
import { langfuse, type LangfuseHandle } from '../src/index.js';
import { observations, resetOtelGlobals, setupFor } from './helpers.js';

let receiver: TestReceiver;
let handle: LangfuseHandle | undefined;
let logs: CapturedDiag;

beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
  logs = captureDiag();
});
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  resetOtelGlobals();
  logs.restore();
});

describe('shutdown and forceFlush', () => {
  it('shutdown delivers what is queued, is idempotent, and leaves the facade running user code', async () => {
    const exitListeners = process.listenerCount('beforeExit');
    handle = setupFor(receiver, { mode: 'batch', flushInterval: 3600 });
    expect(process.listenerCount('beforeExit')).toBe(exitListeners + 1);
    langfuse.trace({ name: 'queued' }, () => langfuse.span({ name: 'queued-child' }, () => undefined));
    const first = handle.shutdown();
    const second = handle.shutdown();
    await Promise.all([first, second, handle.shutdown()]);
    expect(observations(receiver.events()).map((e) => e.body['name']).sort()).toEqual(['queued', 'queued-child']);
    expect(process.listenerCount('beforeExit')).toBe(exitListeners);

    // After shutdown: nothing is sent, nothing throws, user code still runs.
    expect(langfuse.trace({ name: 'late' }, () => 'still runs')).toBe('still runs');
    await handle.forceFlush();
    expect(observations(receiver.events())).toHaveLength(2);
  });

  it('shutdown is bounded by shutdownTimeoutMs even when the server hangs, and never rejects', async () => {
    receiver.faults.push({ hang: true, times: 10 });
    handle = setupFor(receiver, { mode: 'batch', shutdownTimeoutMs: 300, requestTimeoutMs: 60_000, exportTimeoutMs: 60_000 });
    langfuse.span({ name: 'stuck' }, () => undefined);
    await expect(handle.shutdown()).resolves.toBeUndefined();
    expect(logs.lines.some((l) => l.level === 'warn' && l.message.includes('shutdown did not finish within 300 ms'))).toBe(true);
    receiver.faults.clear();
  });

  it('forceFlush resolves once delivery has definitively failed, and says so in stats()', async () => {
    receiver.faults.push({ status: 500, times: 10 });
    handle = setupFor(receiver, { mode: 'batch', maxRetries: 1 });
    langfuse.span({ name: 'doomed' }, () => undefined);
    await expect(handle.forceFlush()).resolves.toBeUndefined();
    const stats = handle.stats();
    expect(stats.exportsInFlight).toBe(0);
    expect(Object.values(stats.eventsDropped).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(receiver.events()).toHaveLength(0);
  });

  it('forceFlush waits for exports already started by a full batch', async () => {
    receiver.faults.push({ delayMs: 300 });
    handle = setupFor(receiver, { mode: 'batch', flushAt: 2, flushInterval: 3600 });
    langfuse.span({ name: 'a' }, () => undefined);
    langfuse.span({ name: 'b' }, () => undefined);
    await handle.forceFlush();
    expect(observations(receiver.events())).toHaveLength(2);
  });
});
