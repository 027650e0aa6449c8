import { createTraceState } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { TRACE_STATE_KEY, traceStateValue } from '@otel-langfuse/exporter/mapping';

/**
 * Writes the trace's start into the W3C `tracestate` of a local trace root (`langfuse=ts:<ms>`). Child spans inherit
 * the span context's tracestate as they start, and the propagator sends it to the services called, so every span of
 * the trace can tell Langfuse when the trace began, whichever batch or process it arrives from (Langfuse fixes a
 * trace's timestamp from the first record it processes). A root continuing a caller that already wrote one keeps
 * the caller's. The SDK's span context is a plain object the propagator reads later; never throws.
 */
export function stampTraceStart(span: Span): void {
  try {
    const parent = span.parentSpanContext;
    if (parent !== undefined && !parent.isRemote) return;
    const spanContext = span.spanContext();
    const current = spanContext.traceState?.get(TRACE_STATE_KEY);
    if (current !== undefined && /(^|;)ts:/.test(current)) return;
    const [seconds, nanos] = span.startTime;
    const stamp = traceStateValue(seconds * 1000 + Math.floor(nanos / 1e6));
    spanContext.traceState = (spanContext.traceState ?? createTraceState()).set(TRACE_STATE_KEY, current ? `${stamp};${current}` : stamp);
  } catch {
    // A frozen or foreign span context: the trace is then stamped as each batch arrives, as without this.
  }
}
