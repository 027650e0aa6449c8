import { describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LangfuseSpanExporter } from '../src/index.js';
import { exportSpans, exporterFor, makeSpans, succeeded, useExporterTestBed } from './helpers.js';

const { receiver, logs, restartReceiver } = useExporterTestBed({ captureDiag: true });

const traceCreates = () => receiver().events().filter((e) => e.type === 'trace-create');
const bodyIdIs = (id: string | undefined) => (e: unknown) => (e as { body?: { id?: string } }).body?.id === id;

describe('trace-level values', () => {
  it("never lets a root's fallback name or input overwrite what a child set in an earlier batch", async () => {
    const exporter = exporterFor(receiver());
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('t');
    const root = tracer.startSpan('POST /checkout', { attributes: { 'langfuse.observation.input': '"root-in"' } });
    const parent = trace.setSpan(context.active(), root);
    tracer.startSpan('child', { attributes: { 'langfuse.trace.name': 'checkout', 'langfuse.trace.input': '"child-in"' } }, parent).end();
    await exporter.forceFlush(); // the child is delivered in its own batch first
    root.end();
    await exporter.forceFlush();
    const [fromChild, fromRoot] = traceCreates();
    expect(fromChild?.body).toMatchObject({ name: 'checkout', input: 'child-in' });
    expect(fromRoot?.body['name']).toBeUndefined();
    expect(fromRoot?.body['input']).toBeUndefined();
    expect(fromRoot?.body['timestamp']).toBeDefined();
    await provider.shutdown();
  });

  it('delivers a trace whose masked values are not plain JSON (BigInt, cycles)', async () => {
    const exporter = exporterFor(receiver(), {
      mask: ({ data }) => {
        const out: Record<string, unknown> = { big: 10n, data };
        out['self'] = out;
        return out;
      },
    });
    const result = await exportSpans(exporter, makeSpans(2, { 'langfuse.trace.metadata.k': 'v', 'langfuse.observation.input': 'x' }));
    expect(succeeded(result)).toBe(true);
    expect(traceCreates()).toHaveLength(2);
    expect(traceCreates()[0]?.body['input']).toMatchObject({ big: '10', self: '[Circular]' });
    await exporter.shutdown();
  });

  it('skips a trace-create identical to the one last delivered, and sends one that changes something', async () => {
    const exporter = exporterFor(receiver());
    // Children of one local parent (not remote: no shallow trace-create), each carrying the trace's user id.
    const parent = trace.setSpanContext(context.active(), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    const child = (userId: string) => makeSpans(1, { 'langfuse.user.id': userId }, parent);
    await exportSpans(exporter, child('u1'));
    await exportSpans(exporter, child('u1'));
    await exportSpans(exporter, child('u2'));
    await exportSpans(exporter, child('u1'));
    expect(traceCreates().map((e) => e.body['userId'])).toEqual(['u1', 'u2', 'u1']);
    await exporter.shutdown();
  });
});

describe('filtering and back-pressure', () => {
  it('exports only what shouldExportSpan keeps, and keeps spans when it throws', async () => {
    let calls = 0;
    const exporter = exporterFor(receiver(), { shouldExportSpan: (span) => span.name !== 'span-0' });
    await exportSpans(exporter, makeSpans(3));
    expect(receiver().events().filter((e) => e.type === 'span-create').map((e) => e.body['name'])).toEqual(['span-1', 'span-2']);
    expect(exporter.stats().spansFiltered).toBe(1);
    await exporter.shutdown();

    receiver().reset();
    const throwing = exporterFor(receiver(), {
      shouldExportSpan: () => {
        calls++;
        throw new Error('predicate bug');
      },
    });
    expect(succeeded(await exportSpans(throwing, makeSpans(2)))).toBe(true);
    expect(receiver().events().filter((e) => e.type === 'span-create')).toHaveLength(2);
    expect(calls).toBe(2);
    expect(logs().lines.filter((l) => l.message.includes('shouldExportSpan threw'))).toHaveLength(1);
    await throwing.shutdown();
  });

  it('refuses exports beyond maxPendingExports, counting the spans', async () => {
    receiver().faults.push({ delayMs: 200 });
    const exporter = exporterFor(receiver(), { maxPendingExports: 1 });
    const first = exportSpans(exporter, makeSpans(1));
    const second = await exportSpans(exporter, makeSpans(3));
    // Shed on purpose and counted: reported as handled, so the SDK's processors do not log an error per batch.
    expect(second.code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.stats().eventsDropped['too-many-pending-exports']).toBe(3);
    expect(succeeded(await first)).toBe(true);
    await exporter.shutdown();
  });

  it('forceFlush waits for the exports already started, not for ones started after it', async () => {
    receiver().faults.push({ delayMs: 100 }, { hang: true, times: 10 });
    const exporter = exporterFor(receiver(), { requestTimeoutMs: 60_000, exportTimeoutMs: 60_000 });
    const first = exportSpans(exporter, makeSpans(1));
    const flushed = exporter.forceFlush();
    const later = exportSpans(exporter, makeSpans(1));
    await flushed;
    expect(succeeded(await first)).toBe(true);
    expect(exporter.stats().exportsInFlight).toBe(1);
    receiver().faults.clear();
    await restartReceiver();
    await exporter.shutdown();
    expect((await later).code).toBe(ExportResultCode.FAILED);
  });
});

describe('answers that end a delivery', () => {
  it('counts a single event refused as too large (413) as rejected', async () => {
    receiver().faults.push({ status: 413, times: 5 });
    const exporter = exporterFor(receiver());
    const result = await exportSpans(exporter, makeSpans(1, { 'langfuse.trace.name': 'x' }).slice(0, 1));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(exporter.stats().eventsRejected['http-413']).toBe(2); // the trace-create and the span, split then refused alone
    await exporter.shutdown();
  });

  it('gives up on a per-event 5xx after maxRetries rounds', async () => {
    const spans = makeSpans(2);
    receiver().faults.push({ eventErrors: { status: 503, match: bodyIdIs(spans[0]!.spanContext().spanId) }, times: 5 });
    const exporter = exporterFor(receiver(), { maxRetries: 2 });
    const result = await exportSpans(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(exporter.stats().eventsDropped['retries-exhausted']).toBe(1);
    expect(exporter.stats().requests).toBe(3);
    await exporter.shutdown();
  });

  it('labels a 408 that keeps coming back as retries exhausted, not as refused', async () => {
    receiver().faults.push({ status: 408, times: 10 });
    const exporter = exporterFor(receiver(), { maxRetries: 2 });
    expect((await exportSpans(exporter, makeSpans(1))).code).toBe(ExportResultCode.FAILED);
    expect(exporter.stats().eventsDropped['retries-exhausted']).toBe(2);
    expect(exporter.stats().eventsRejected).toEqual({});
    expect(exporter.stats().requests).toBe(3);
    await exporter.shutdown();
  });

  it('does not downgrade an extended-type observation refused for another reason', async () => {
    const spans = makeSpans(1, { 'langfuse.observation.type': 'tool' });
    receiver().faults.push({ eventErrors: { status: 400, message: 'Invalid input: name too long', match: bodyIdIs(spans[0]!.spanContext().spanId) } });
    const exporter = exporterFor(receiver());
    await exportSpans(exporter, spans);
    expect(exporter.stats().eventsDowngraded).toBe(0);
    expect(exporter.stats().eventsRejected['event-400']).toBe(1);
    // The server does support tool-create: the next one goes as it is.
    await exportSpans(exporter, makeSpans(1, { 'langfuse.observation.type': 'tool' }));
    expect(receiver().events().filter((e) => e.type === 'tool-create')).toHaveLength(1);
    await exporter.shutdown();
  });

  it('never throws from the constructor, whatever the options', () => {
    for (const options of [{ publicKey: 123, secretKey: {} }, { baseUrl: 42 }, null, { maxBatchBytes: 'big' }, { mask: 'x' }]) {
      expect(() => new LangfuseSpanExporter(options as never)).not.toThrow();
    }
  });
});
