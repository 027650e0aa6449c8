import { context, trace, type Attributes, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { LangfuseSpanExporter, type LangfuseExporterOptions } from '@otel-langfuse/exporter';
import type { TestReceiver } from './test-receiver.js';

/** An exporter pointed at a test receiver, with retry delays short enough for tests. */
export function exporterFor(receiver: TestReceiver, options: LangfuseExporterOptions = {}): LangfuseSpanExporter {
  return new LangfuseSpanExporter({
    publicKey: receiver.publicKey,
    secretKey: receiver.secretKey,
    baseUrl: receiver.url,
    initialRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    ...options,
  });
}

export function exportSpans(exporter: LangfuseSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

export const succeeded = (result: ExportResult) => result.code === ExportResultCode.SUCCESS;

/** Makes real ended spans with the SDK (no network): `count` root spans, each with the given attributes. */
export function makeSpans(count: number, attributes: Attributes = {}, parent?: Context): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'test-service' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('test-scope', '1.0.0');
  for (let i = 0; i < count; i++) {
    tracer.startSpan(`span-${i}`, { attributes }, parent ?? context.active()).end();
  }
  return memory.getFinishedSpans();
}

export function remoteParent(traceId: string, spanId: string): Context {
  return trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: 1, isRemote: true });
}
