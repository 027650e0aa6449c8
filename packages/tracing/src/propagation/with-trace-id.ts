import { context, isValidTraceId, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { GIVEN_TRACE_ID_KEY } from '../facade/context-keys.js';
import { log } from '../logger.js';

/**
 * Runs `fn` so that the trace `langfuse.trace()` starts inside it gets the id `traceId` (32 hex characters, not all
 * zeros; e.g. from `createTraceId(externalId)`), as its root: named and complete as any trace. Spans of other
 * instrumentation started directly inside `fn` join that trace too. An invalid id is reported once and `fn` runs
 * unchanged (the trace gets its own id).
 */
export function withTraceId<T>(traceId: string, fn: () => T): T {
  if (typeof traceId !== 'string' || !isValidTraceId(traceId)) {
    log.once('warn', 'invalid-trace-id', `withTraceId: ${JSON.stringify(String(traceId).slice(0, 40))} is not a W3C trace id (32 hex characters, not all zeros); the trace gets its own id`);
    return fn();
  }
  // A sampled remote parent with a random span id carries the trace id, as in Langfuse's SDKs; the key tells the
  // facade it is only a carrier, so the trace is not parented to a span that does not exist.
  const placeholder: SpanContext = { traceId: traceId.toLowerCase(), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true };
  const carrier = trace.setSpanContext(context.active(), placeholder).setValue(GIVEN_TRACE_ID_KEY, placeholder);
  return context.with(carrier, fn);
}
