import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { exportSpans, exporterFor, succeeded } from './helpers.js';

/** A public, released root and a child that updates the trace (user id) without saying either. */
function spans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('app');
  const root = tracer.startSpan('root', { attributes: { 'langfuse.trace.public': true, 'langfuse.release': 'r-root' } });
  tracer.startSpan('child', { attributes: { 'langfuse.user.id': 'u-1' } }, trace.setSpan(context.active(), root)).end();
  root.end();
  return memory.getFinishedSpans();
}

describe('a v3 server (legacy tables) over OTLP', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver({ mode: 'v3' });
  });
  afterEach(() => receiver.close());

  it.each([
    ['one batch', (list: ReadableSpan[]) => [list]],
    ['the root first, the child in a later batch', (list: ReadableSpan[]) => [[list[1]!], [list[0]!]]],
  ])("keeps the root's release and public flag when a child updates the trace (%s)", async (_name, batches) => {
    const list = spans();
    const exporter = exporterFor(receiver, { transport: 'otlp' });
    for (const batch of batches(list)) expect(succeeded(await exportSpans(exporter, batch))).toBe(true);
    await exporter.shutdown();
    expect(receiver.trace(list[0]!.spanContext().traceId)?.trace).toMatchObject({ public: true, release: 'r-root', userId: 'u-1' });
  });
});
