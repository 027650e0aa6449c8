import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { LangfuseExporterOptions } from '../config/exporter-options.js';
import { LangfuseSpanExporter } from '../langfuse-span-exporter.js';
import { TRACE_NAME, TRACE_TAGS } from '../mapping/attribute-names.js';
import { SDK_NAME } from '../version.js';
import { fail, ok, type LangfuseCheck } from './check-result.js';

/** The name the doctor's test trace has in Langfuse. */
export const TEST_TRACE_NAME = 'otel-langfuse doctor';

/** Longest the test exporter may take to close once its flush is over. */
const CLOSE_MS = 1_000;

const reasons = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');

/**
 * Sends one trace (one span) through a fresh exporter built from the same options, and confirms the server accepted
 * it. The app's hooks (`shouldExportSpan`, `mask`, `onDrop`) are left out: they are not what is checked here.
 */
export async function checkTestTrace(
  options: LangfuseExporterOptions,
  timeoutMs: number,
  traceUrl: (traceId: string) => string | undefined,
): Promise<{ check: LangfuseCheck; traceId: string }> {
  const exporter = new LangfuseSpanExporter({
    ...options,
    shouldExportSpan: undefined,
    mask: undefined,
    onDrop: undefined,
    requestTimeoutMs: timeoutMs,
    exportTimeoutMs: timeoutMs,
    maxRetries: 1,
  });
  const span = new BasicTracerProvider()
    .getTracer(`${SDK_NAME} doctor`)
    .startSpan(TEST_TRACE_NAME, { root: true, attributes: { [TRACE_NAME]: TEST_TRACE_NAME, [TRACE_TAGS]: ['doctor'] } });
  span.end();
  const traceId = span.spanContext().traceId;
  try {
    await new Promise<void>((resolve) => exporter.export([span as unknown as ReadableSpan], () => resolve()));
    await exporter.forceFlush({ timeoutMs: timeoutMs + CLOSE_MS });
    const stats = exporter.stats();
    const path = stats.transport === 'otlp' ? 'the OTLP endpoint' : 'the legacy ingestion endpoint';
    if (stats.spansExported === 1) {
      const link = traceUrl(traceId);
      return { check: ok('test-trace', `test trace ${traceId} ("${TEST_TRACE_NAME}") was accepted on ${path}${link ? `: ${link}` : ''}`), traceId };
    }
    const rejected = reasons(stats.eventsRejected);
    const dropped = reasons(stats.eventsDropped);
    const what = [rejected && `refused: ${rejected}`, dropped && `not delivered: ${dropped}`].filter(Boolean).join('; ') || 'no answer in time';
    return {
      check: fail(
        'test-trace',
        `test trace ${traceId} was not accepted on ${path} (${what})`,
        'See the checks above; a refusal naming an event type or 404 means the transport does not suit this server (try LANGFUSE_TRANSPORT=auto)',
      ),
      traceId,
    };
  } finally {
    await exporter.shutdown({ timeoutMs: CLOSE_MS });
  }
}
