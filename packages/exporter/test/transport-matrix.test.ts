import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { captureDiag, startTestReceiver, type CapturedDiag, type TestReceiver } from '@otel-langfuse/test-support';
import type { ReceiverMode } from '@otel-langfuse/receiver';
import type { LangfuseExporterOptions } from '../src/index.js';
import { GZIP_MIN_BYTES } from '../src/delivery/otlp/otlp-encoding.js';
import { isLangfuseCloud } from '../src/delivery/transport-route.js';
import { exportSpans, exporterFor, succeeded } from './helpers.js';

let logs: CapturedDiag;
beforeEach(() => {
  logs = captureDiag();
});
afterEach(() => logs.restore());

/** A small trace (root, generation, tool) per call, with trace attributes, as real spans. */
function traceSpans(label: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('langfuse-sdk');
  const root = tracer.startSpan(`${label}-root`, { attributes: { 'langfuse.trace.name': label, 'langfuse.user.id': 'u-1' } });
  const parent = trace.setSpan(context.active(), root);
  tracer.startSpan(`${label}-llm`, { attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'm' } }, parent).end();
  tracer.startSpan(`${label}-tool`, { attributes: { 'langfuse.observation.type': 'tool' } }, parent).end();
  root.end();
  return memory.getFinishedSpans();
}

type Transport = NonNullable<LangfuseExporterOptions['transport']>;
type Expectation = { delivered: boolean; finalPath: 'ingestion' | 'otlp'; switches: number };

const EXPECTED: Record<ReceiverMode, Record<Transport, Expectation>> = {
  v2: {
    ingestion: { delivered: true, finalPath: 'ingestion', switches: 0 },
    otlp: { delivered: false, finalPath: 'otlp', switches: 0 },
    auto: { delivered: true, finalPath: 'ingestion', switches: 0 },
  },
  v3: {
    ingestion: { delivered: true, finalPath: 'ingestion', switches: 0 },
    otlp: { delivered: true, finalPath: 'otlp', switches: 0 },
    auto: { delivered: true, finalPath: 'ingestion', switches: 0 },
  },
  'v4-events-only': {
    ingestion: { delivered: false, finalPath: 'ingestion', switches: 0 },
    otlp: { delivered: true, finalPath: 'otlp', switches: 0 },
    auto: { delivered: true, finalPath: 'otlp', switches: 1 },
  },
  cloud: {
    ingestion: { delivered: false, finalPath: 'ingestion', switches: 0 },
    otlp: { delivered: true, finalPath: 'otlp', switches: 0 },
    auto: { delivered: true, finalPath: 'otlp', switches: 1 },
  },
};

const cases = Object.entries(EXPECTED).flatMap(([mode, byTransport]) =>
  Object.entries(byTransport).map(([transport, expected]) => ({ mode: mode as ReceiverMode, transport: transport as Transport, expected })),
);

describe.each(cases)('a $mode server with transport $transport', ({ mode, transport, expected }) => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver({ mode });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it(expected.delivered ? 'stores every span exactly once, across two exports' : 'counts every span as not delivered', async () => {
    const exporter = exporterFor(receiver, { transport });
    const spans = [...traceSpans('first'), ...traceSpans('second')];
    const first = await exportSpans(exporter, spans.slice(0, 3));
    const second = await exportSpans(exporter, spans.slice(3));
    await exporter.shutdown();

    const stats = exporter.stats();
    expect(stats.transport).toBe(expected.finalPath);
    const switchLines = logs.lines.filter((l) => l.message.includes("transport 'auto':"));
    expect(switchLines).toHaveLength(expected.switches);

    const observationIds = receiver.events().filter((e) => e.type !== 'trace-create').map((e) => e.body['id']);
    if (expected.delivered) {
      expect(succeeded(first) && succeeded(second)).toBe(true);
      expect(observationIds.sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
      expect(receiver.stats().duplicateEnvelopeIds).toBe(0);
      const traceIds = new Set(receiver.eventsOfType('trace-create').map((e) => e.body['id']));
      expect(traceIds).toEqual(new Set(spans.map((s) => s.spanContext().traceId)));
      expect(stats.spansExported).toBe(6);
      expect(stats.spansResent).toBe(expected.switches ? 3 : 0);
    } else {
      expect(succeeded(first) || succeeded(second)).toBe(false);
      expect(observationIds).toEqual([]);
      const failed = Object.values(stats.eventsRejected).reduce((a, b) => a + b, 0);
      expect(failed).toBeGreaterThan(0);
    }
  });
});

describe("transport 'auto' falling back from OTLP", () => {
  it('goes back to the legacy path when the OTLP endpoint answers 404, resending what it refused', async () => {
    const receiver = await startTestReceiver({ mode: 'v3' });
    // The legacy path answers 404 once (so 'auto' moves to OTLP), then OTLP answers 404 once (so it moves back).
    receiver.faults.push({ status: 404, body: 'Not Found' }, { status: 404, body: 'Not Found' });
    const exporter = exporterFor(receiver, { transport: 'auto' });
    const spans = traceSpans('fallback');
    expect(succeeded(await exportSpans(exporter, spans))).toBe(true);
    expect(exporter.stats().transport).toBe('ingestion');
    expect(receiver.events().filter((e) => e.type !== 'trace-create')).toHaveLength(3);
    expect(receiver.requests().map((r) => r.endpoint)).toEqual(['ingestion', 'otlp', 'ingestion']);
    expect(logs.lines.filter((l) => l.message.includes("transport 'auto':"))).toHaveLength(2);
    await exporter.shutdown();
    await receiver.close();
  });
});

describe('the OTLP path', () => {
  it('sends protobuf with the ingestion-version header, or JSON when asked; gzipped from GZIP_MIN_BYTES', async () => {
    for (const otlpEncoding of ['protobuf', 'json'] as const) {
      const receiver = await startTestReceiver({ mode: 'cloud' });
      const exporter = exporterFor(receiver, { transport: 'otlp', otlpEncoding });
      expect(succeeded(await exportSpans(exporter, traceSpans(otlpEncoding)))).toBe(true);
      const large = traceSpans(`${otlpEncoding}-large`);
      (large[0]!.attributes as Record<string, unknown>)['langfuse.observation.input'] = 'y'.repeat(GZIP_MIN_BYTES);
      expect(succeeded(await exportSpans(exporter, large))).toBe(true);
      const [request, largeRequest] = receiver.requests();
      expect(request?.headers['content-encoding']).toBeUndefined();
      expect(largeRequest?.headers['content-encoding']).toBe('gzip');
      expect(receiver.stats().otlpSpans).toBe(2 * traceSpans('count').length);
      expect(request?.headers['content-type']).toBe(otlpEncoding === 'protobuf' ? 'application/x-protobuf' : 'application/json');
      expect(request?.ingestionVersion).toBe('4');
      expect(receiver.stats().otlpWithoutIngestionVersion).toBe(0);
      await exporter.shutdown();
      await receiver.close();
    }
  });

  it('keeps every request within maxBatchBytes, uncompressed', async () => {
    const receiver = await startTestReceiver({ mode: 'cloud' });
    const exporter = exporterFor(receiver, { transport: 'otlp', maxBatchBytes: 20_000, maxEventBytes: 10_000 });
    const spans = Array.from({ length: 10 }, (_, i) => traceSpans(`big-${i}`)).flat();
    for (const span of spans) (span.attributes as Record<string, unknown>)['langfuse.observation.input'] = 'z'.repeat(2_000);
    expect(succeeded(await exportSpans(exporter, spans))).toBe(true);
    expect(receiver.stats().otlpSpans).toBe(30);
    expect(receiver.requests().length).toBeGreaterThan(2);
    await exporter.shutdown();
    await receiver.close();
  });

  it('masks langfuse input, output and metadata before they leave the process', async () => {
    const receiver = await startTestReceiver({ mode: 'cloud' });
    const exporter = exporterFor(receiver, {
      transport: 'otlp',
      mask: ({ data }) => (typeof data === 'string' ? data.replace(/\d{4}-\d{4}/g, '[card]') : data),
    });
    const spans = traceSpans('mask');
    (spans[0]!.attributes as Record<string, unknown>)['langfuse.observation.input'] = 'pay with 1234-5678';
    expect(succeeded(await exportSpans(exporter, spans))).toBe(true);
    const stored = receiver.events().find((e) => e.body['id'] === spans[0]!.spanContext().spanId);
    expect(stored?.body['input']).toBe('pay with [card]');
    expect(spans[0]!.attributes['langfuse.observation.input']).toBe('pay with 1234-5678'); // the span itself untouched
    await exporter.shutdown();
    await receiver.close();
  });

  it('reports a 400 for the batch once and does not retry it', async () => {
    const receiver = await startTestReceiver({ mode: 'cloud' });
    receiver.faults.push({ status: 400, body: { message: 'bad span' }, times: 2 });
    const exporter = exporterFor(receiver, { transport: 'otlp' });
    await exportSpans(exporter, traceSpans('a'));
    await exportSpans(exporter, traceSpans('b'));
    expect(exporter.stats().requests).toBe(2);
    expect(exporter.stats().eventsRejected['http-400']).toBe(6);
    expect(logs.lines.filter((l) => l.level === 'error' && l.message.includes('400'))).toHaveLength(1);
    await exporter.shutdown();
    await receiver.close();
  });
});

describe('isLangfuseCloud', () => {
  it('knows Langfuse Cloud and its regions, nothing else', () => {
    expect(isLangfuseCloud('https://cloud.langfuse.com')).toBe(true);
    expect(isLangfuseCloud('https://us.cloud.langfuse.com')).toBe(true);
    expect(isLangfuseCloud('https://langfuse.example.com')).toBe(false);
    expect(isLangfuseCloud('https://notcloud.langfuse.com.evil.test')).toBe(false);
  });
});

describe('masking on the OTLP path covers other conventions', () => {
  it("masks GenAI and OpenInference input/output attributes, which the server maps", async () => {
    const receiver = await startTestReceiver({ mode: 'cloud' });
    const exporter = exporterFor(receiver, { transport: 'otlp', mask: () => '[masked]' });
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('openinference.instrumentation.openai');
    tracer.startSpan('chat', { attributes: { 'input.value': 'secret question', 'llm.output_messages.0.message.content': 'secret answer', 'llm.model_name': 'm' } }).end();
    expect(succeeded(await exportSpans(exporter, memory.getFinishedSpans()))).toBe(true);
    const stored = JSON.stringify(receiver.events());
    expect(stored).not.toContain('secret question');
    expect(stored).not.toContain('secret answer');
    await exporter.shutdown();
    await receiver.close();
  });
});
