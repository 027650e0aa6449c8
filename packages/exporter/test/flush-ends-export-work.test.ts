import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { exportSpans, exporterFor, makeSpans, remoteParent, useExporterTestBed } from './helpers.js';

// An export's work begins when the export does: a flush deadline that passes while it uploads media (before its
// events are sent) or while its legacy request is answered (before the 'auto' route's resend over OTLP) ends the
// requests it has not made yet too. None reaches the server once forceFlush has returned; all are counted.

/** Far beyond each test: whatever ends the work is the flush, never these. */
const LONG = { exportTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxRetries: 0 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("transport 'auto', v4 server: the resend over OTLP of what the legacy path refused", () => {
  const { receiver } = useExporterTestBed({ receiver: { mode: 'v4-events-only' } });

  it('is not sent when the flush deadline passed during the legacy requests; every event counts as flush-deadline', async () => {
    // The first legacy batch is refused at once (a v4 server takes no traces there); the second, and the OTLP
    // resend should it come, never answer.
    receiver().faults.push({ delayMs: 0 }, { hang: true, times: 100 });
    const exporter = exporterFor(receiver(), { ...LONG, transport: 'auto', maxBatchBytes: 2_048, maxEventBytes: 1_900 });
    const spans = makeSpans(2, { 'langfuse.observation.type': 'generation', 'gen_ai.prompt': 'p'.repeat(1_500) });
    void exportSpans(exporter, spans);
    await vi.waitFor(() => expect(receiver().requests()).toHaveLength(2));
    expect(receiver().requests()[0]).toMatchObject({ endpoint: 'ingestion', status: 207 });
    await exporter.forceFlush({ timeoutMs: 400 });

    const stats = exporter.stats();
    expect(stats.spansResent).toBeGreaterThan(0); // the refusal did lead to a resend...
    expect(stats.exportsInFlight).toBe(0);
    expect(exporter.spansInFlight).toBe(0);
    await pause(100);
    // ...which made no request: the work began before the flush deadline.
    expect(receiver().requests().map((r) => r.endpoint)).toEqual(['ingestion', 'ingestion']);
    expect(Object.keys(stats.eventsDropped)).toEqual(['flush-deadline']);
    expect(stats.eventsRejected).toEqual({});
    await exporter.shutdown();
  });
});

describe.each([
  ['ingestion', 2], // the trace and the generation
  ['otlp', 1],
] as const)('media over %s: an upload still running at the flush deadline', (transport, items) => {
  const { receiver } = useExporterTestBed();

  it("is aborted and the export's events are not sent afterwards; they count as flush-deadline", async () => {
    receiver().mediaUploadFaults.push({ hang: true, times: 10 });
    const exporter = exporterFor(receiver(), { ...LONG, transport });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(8 * 1024)]);
    const input = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] }];
    // Under a remote parent, so only the generation holds the image (a root's input is the trace's too, on the legacy
    // path: a second upload of the same bytes, which the uploader would start after the abort, see docs/reliability.md).
    const parent = remoteParent('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
    void exportSpans(exporter, makeSpans(1, { 'langfuse.observation.type': 'generation', 'langfuse.observation.input': JSON.stringify(input) }, parent));
    // The media record is made (POST); its upload (PUT) then hangs. The media API's requests are not in requests().
    await vi.waitFor(() => expect(receiver().media()).toHaveLength(1));
    await exporter.forceFlush({ timeoutMs: 400 });

    const stats = exporter.stats();
    expect(stats.exportsInFlight).toBe(0);
    expect(stats.eventsDropped).toEqual({ 'flush-deadline': items });
    await pause(100);
    expect(receiver().requests().filter((r) => r.endpoint === 'ingestion' || r.endpoint === 'otlp')).toEqual([]);
    await exporter.shutdown();
  });
});

describe('media over ingestion, a root span (its input is the trace\'s too: the same bytes twice)', () => {
  const { receiver } = useExporterTestBed();

  it('the second upload, waiting for the first, is not started after the flush deadline; the export ends with the flush', async () => {
    receiver().mediaUploadFaults.push({ hang: true, times: 10 });
    const exporter = exporterFor(receiver(), { ...LONG, transport: 'ingestion' });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(8 * 1024)]);
    const input = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] }];
    void exportSpans(exporter, makeSpans(1, { 'langfuse.observation.type': 'generation', 'langfuse.observation.input': JSON.stringify(input) }));
    await vi.waitFor(() => expect(receiver().media()).toHaveLength(1));
    await exporter.forceFlush({ timeoutMs: 400 });

    const stats = exporter.stats();
    expect(stats.exportsInFlight).toBe(0);
    expect(exporter.spansInFlight).toBe(0);
    expect(stats.eventsDropped).toEqual({ 'flush-deadline': 2 });
    await pause(200);
    // No second media record: the upload waiting for the first one made no request.
    expect(receiver().media()).toHaveLength(1);
    expect(receiver().requests().filter((r) => r.endpoint === 'ingestion')).toEqual([]);
    await exporter.shutdown();
  });
});

describe('a flush deadline ends only the work that flush covers', () => {
  const { receiver } = useExporterTestBed();

  it('an export begun after the flush began is not cut at its deadline, and is delivered', async () => {
    // A's request hangs; B's is answered 1.5 s late, so it is still on the wire when the flush's deadline passes.
    receiver().faults.push({ hang: true }, { delayMs: 1_500 });
    const exporter = exporterFor(receiver(), { ...LONG, transport: 'ingestion' });
    const a = makeSpans(1);
    const b = makeSpans(1);
    const resultA = exportSpans(exporter, a);
    await vi.waitFor(() => expect(receiver().requests()).toHaveLength(1));
    const flush = exporter.forceFlush({ timeoutMs: 1_000 });
    await pause(200);
    const resultB = exportSpans(exporter, b); // not in the flush's snapshot: the flush does not wait for it
    await flush;
    expect(receiver().requests()).toHaveLength(2); // B's request was on the wire at the deadline

    expect((await resultB).code).toBe(0);
    expect((await resultA).code).not.toBe(0);
    const stored = observations().map((e) => String(e.body['id']));
    expect(stored).toEqual([b[0]!.spanContext().spanId]);
    // A's trace and span only.
    expect(exporter.stats().eventsDropped).toEqual({ 'flush-deadline': 2 });
    await exporter.shutdown();
  });

  const observations = () => receiver().events().filter((e) => e.type !== 'trace-create');
});
