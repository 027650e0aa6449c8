import { describe, expect, it, vi } from 'vitest';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ExportAcknowledgement } from '../src/delivery/export-acknowledgement.js';
import { resolveExporterConfig } from '../src/config/resolve-exporter-config.js';
import { exportSpans, exporterFor, makeSpans, succeeded, useExporterTestBed } from './helpers.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('ExportAcknowledgement', () => {
  it('acknowledges early while fewer than `depth` deliveries run; the one that fills the last place when an earlier one ends', async () => {
    const gate = new ExportAcknowledgement(3);
    const acked: string[] = [];
    const [a, b, c, d] = [deferred(), deferred(), deferred(), deferred()];
    gate.admit(a.promise, () => acked.push('a'));
    gate.admit(b.promise, () => acked.push('b'));
    gate.admit(c.promise, () => acked.push('c'));
    expect(acked).toEqual(['a', 'b']);
    a.reject(new Error('a failed delivery frees its place too'));
    await flushMicrotasks();
    expect(acked).toEqual(['a', 'b', 'c']);
    gate.admit(d.promise, () => acked.push('d'));
    expect(acked).toEqual(['a', 'b', 'c']);
  });

  it('never acknowledges early a delivery that already ended (its own result is reported instead)', async () => {
    const gate = new ExportAcknowledgement(2);
    const acked: string[] = [];
    const [a, b] = [deferred(), deferred()];
    gate.admit(a.promise, () => acked.push('a'));
    gate.admit(b.promise, () => acked.push('b'));
    b.resolve();
    await flushMicrotasks();
    a.resolve();
    await flushMicrotasks();
    expect(acked).toEqual(['a']);
  });

  it('with depth 1, never acknowledges early', async () => {
    const gate = new ExportAcknowledgement(1);
    const acked: string[] = [];
    const a = deferred();
    gate.admit(a.promise, () => acked.push('a'));
    a.resolve();
    await flushMicrotasks();
    expect(acked).toEqual([]);
  });
});

describe('exportConcurrency', () => {
  const { receiver } = useExporterTestBed();

  it('1 (the default): export completes only when its spans are delivered', async () => {
    receiver().faults.push({ delayMs: 150 });
    const exporter = exporterFor(receiver());
    const result = await exportSpans(exporter, makeSpans(3));
    expect(succeeded(result)).toBe(true);
    expect(receiver().events().filter((e) => e.type === 'span-create')).toHaveLength(3);
    await exporter.shutdown();
  });

  it('2: export completes before delivery ends; forceFlush waits for the delivery', async () => {
    receiver().faults.push({ delayMs: 300 });
    const exporter = exporterFor(receiver(), { exportConcurrency: 2 });
    const result = await exportSpans(exporter, makeSpans(3));
    expect(succeeded(result)).toBe(true);
    expect(exporter.stats().exportsInFlight).toBe(1);
    await exporter.forceFlush();
    expect(exporter.stats().exportsInFlight).toBe(0);
    expect(receiver().events().filter((e) => e.type === 'span-create')).toHaveLength(3);
    await exporter.shutdown();
  });

  it("2: a batch processor's timer gets a second batch on the wire while the first is delivered; nothing is lost", async () => {
    receiver().faults.push({ delayMs: 200, times: 4 });
    const exporter = exporterFor(receiver(), { exportConcurrency: 2 });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, exporter.stats().exportsInFlight)), 2);
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 10, scheduledDelayMillis: 1, maxQueueSize: 1000 })],
    });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 40; i++) tracer.startSpan(`s${i}`).end();
    // The processor's timer sends one batch at a time; the exporter takes the next while one is on the wire.
    const spanCreates = () => receiver().events().filter((e) => e.type === 'span-create');
    await vi.waitFor(() => expect(spanCreates()).toHaveLength(40), { timeout: 10_000, interval: 5 });
    clearInterval(timer);
    expect(peak).toBe(2);
    await provider.shutdown();
    expect(spanCreates()).toHaveLength(40);
    expect(exporter.stats().eventsDropped).toEqual({});
  });

  it('is capped by maxPendingExports, with a warning', () => {
    const resolved = resolveExporterConfig({ publicKey: 'pk', secretKey: 'sk', exportConcurrency: 10, maxPendingExports: 3 }, {});
    expect(resolved.ok && resolved.config.exportConcurrency).toBe(3);
    expect(resolved.warnings).toContain('exportConcurrency must be at most maxPendingExports (3); using 3');
  });
});
