import { describe, expect, it, vi } from 'vitest';
import { exportSpans, exporterFor, makeSpans, succeeded, useExporterTestBed } from './helpers.js';

// A flush deadline or a shutdown ends all of an export's work, not only the request on the wire at that moment:
// the later batches, the wait between the legacy path's retry rounds, and it names the real cause of a failure.

/** Far beyond each test: whatever ends the work is the flush or the shutdown, never these. */
const LONG = { exportTimeoutMs: 60_000, requestTimeoutMs: 60_000 };

/** Spans big enough that 2 KB batches hold one each, so an export of six is several requests. */
const bigSpans = () => makeSpans(6, { 'langfuse.observation.type': 'generation', 'gen_ai.prompt': 'p'.repeat(1_500) });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a flush deadline ends the whole export', () => {
  const { receiver, logs } = useExporterTestBed({ captureDiag: true });

  it.each([
    ['otlp', 6],
    ['ingestion', 12],
  ] as const)('%s: the later batches are not sent once it passed; all are counted when forceFlush returns', async (transport, items) => {
    receiver().faults.push({ hang: true, times: 100 });
    const exporter = exporterFor(receiver(), { ...LONG, transport, maxBatchBytes: 2_048, maxEventBytes: 1_900, maxRetries: 0 });
    void exportSpans(exporter, bigSpans());
    await vi.waitFor(() => expect(receiver().requests()).toHaveLength(1));
    await exporter.forceFlush({ timeoutMs: 400 });
    expect(exporter.stats().exportsInFlight).toBe(0);
    expect(exporter.spansInFlight).toBe(0);
    expect(exporter.stats().eventsDropped).toEqual({ 'flush-deadline': items });
    await pause(100);
    expect(receiver().requests()).toHaveLength(1);

    // A later export is new work: it is sent as usual.
    receiver().faults.clear();
    expect(succeeded(await exportSpans(exporter, makeSpans(1)))).toBe(true);
    expect(exporter.stats().spansExported).toBe(1);
    await exporter.shutdown();
  });

  it.each([
    ['forceFlush', 'flush-deadline'],
    ['shutdown', 'shutdown'],
  ] as const)('%s ends the wait between retry rounds of per-event 5xx: the events count as %s when it returns', async (call, reason) => {
    receiver().faults.push({ eventErrors: { status: 500 }, times: 100 });
    const exporter = exporterFor(receiver(), { ...LONG, initialRetryDelayMs: 20_000, maxRetryDelayMs: 20_000 });
    void exportSpans(exporter, makeSpans(1));
    // The first round answered (207, every event 500): the delivery now waits 10-20 s before the next one.
    await vi.waitFor(() => expect(receiver().requests()[0]?.status).toBe(207));
    await pause(50);
    await (call === 'forceFlush' ? exporter.forceFlush({ timeoutMs: 400 }) : exporter.shutdown({ timeoutMs: 400 }));
    expect(exporter.stats().eventsDropped).toEqual({ [reason]: 2 });
    expect(exporter.stats().exportsInFlight).toBe(0);
    expect(exporter.stats().retries).toBe(0);
    expect(receiver().requests()).toHaveLength(1);
    await exporter.shutdown();
  });

  it("an abort during got's wait before a retry names the failure that caused it, which counts against the circuit", async () => {
    receiver().faults.push({ status: 503, headers: { 'retry-after': '30' }, times: 100 });
    const exporter = exporterFor(receiver(), { ...LONG, circuitBreakerThreshold: 1 });
    void exportSpans(exporter, makeSpans(1));
    await vi.waitFor(() => expect(receiver().requests()[0]?.status).toBe(503));
    await exporter.forceFlush({ timeoutMs: 400 });
    expect(exporter.stats().eventsDropped).toEqual({ 'flush-deadline': 2 });
    expect(logs().text()).toContain('HTTP_503: the server answered 503; then aborted at the flush deadline');
    expect(logs().text()).not.toContain('no answer yet');
    expect(exporter.stats()).toMatchObject({ circuitState: 'open', circuitOpened: 1 });
    await exporter.shutdown();
  });
});
