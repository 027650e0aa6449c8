import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, trace, type HrTime } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { TRACE_STATE_KEY, traceStateValue } from '../src/mapping/trace-start-state.js';
import { exportSpans, exporterFor, succeeded } from './helpers.js';
import { hrTimeAt, startInTraceState } from './trace-start-sampler.js';

const ROOT_START_MS = Date.UTC(2026, 0, 1, 12, 0, 0, 0);
const at = (offsetMs: number): HrTime => hrTimeAt(ROOT_START_MS, offsetMs);

/** A root (public) and two children carrying trace attributes, which end first: [child1, child2, root]. */
function spans(sampler?: Sampler): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)], ...(sampler ? { sampler } : {}) }).getTracer('app');
  const root = tracer.startSpan('root', { startTime: at(0), attributes: { 'langfuse.trace.public': true, 'langfuse.trace.name': 'job' } });
  const parent = trace.setSpan(context.active(), root);
  tracer.startSpan('child-1', { startTime: at(300), attributes: { 'langfuse.user.id': 'u-1' } }, parent).end(at(400));
  tracer.startSpan('child-2', { startTime: at(500), attributes: { 'langfuse.session.id': 's-1' } }, parent).end(at(600));
  root.end(at(700));
  return memory.getFinishedSpans();
}

describe('a trace whose spans come in three batches (legacy path)', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver({ mode: 'v3' });
  });
  afterEach(() => receiver.close());

  async function deliverOneByOne(batches: ReadableSpan[][]): Promise<void> {
    const exporter = exporterFor(receiver, { transport: 'ingestion' });
    for (const batch of batches) expect(succeeded(await exportSpans(exporter, batch))).toBe(true);
    await exporter.shutdown();
  }

  it("is stamped with the root's start when tracestate carries it, though a child's trace-create is processed first", async () => {
    const [child1, child2, root] = spans(startInTraceState(ROOT_START_MS));
    await deliverOneByOne([[child1!], [child2!], [root!]]);
    const stored = receiver.trace(root!.spanContext().traceId)!.trace;
    expect(stored).toMatchObject({ timestamp: '2026-01-01T12:00:00.000000Z', name: 'job', userId: 'u-1', sessionId: 's-1', public: true });
  });

  it("without tracestate, is stamped with the first child's start (as the server's own OTLP mapping does), never its end", async () => {
    const [child1, child2, root] = spans();
    await deliverOneByOne([[child1!], [child2!], [root!]]);
    expect(receiver.trace(root!.spanContext().traceId)!.trace.timestamp).toBe('2026-01-01T12:00:00.300000Z');
  });

  it('stays public when a trace-create without `public` comes after the root', async () => {
    const [child1, child2, root] = spans();
    await deliverOneByOne([[root!], [child1!], [child2!]]);
    const stored = receiver.trace(root!.spanContext().traceId)!.trace;
    expect(stored).toMatchObject({ public: true, timestamp: '2026-01-01T12:00:00.000000Z', userId: 'u-1', sessionId: 's-1' });
  });

  it("in a callee service (a local root under a remote parent), is stamped with the caller's start from tracestate", async () => {
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('callee');
    const traceId = '5b8efff798038103d269b633813fc60c';
    const incoming = trace.setSpanContext(context.active(), {
      traceId,
      spanId: 'eee19b7ec3c1b174',
      traceFlags: 1,
      isRemote: true,
      traceState: new TraceState(`${TRACE_STATE_KEY}=${traceStateValue(ROOT_START_MS)}`),
    });
    const handler = tracer.startSpan('handle', { startTime: at(250) }, incoming);
    tracer.startSpan('db', { startTime: at(260), attributes: { 'langfuse.user.id': 'u-2' } }, trace.setSpan(context.active(), handler)).end(at(270));
    handler.end(at(300));
    const [db, handlerSpan] = memory.getFinishedSpans();
    await deliverOneByOne([[db!], [handlerSpan!]]);
    expect(receiver.trace(traceId)!.trace).toMatchObject({ timestamp: '2026-01-01T12:00:00.000000Z', userId: 'u-2' });
  });
});
