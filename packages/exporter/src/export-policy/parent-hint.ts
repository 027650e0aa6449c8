import { createTraceState, type SpanContext, type TraceState } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TRACE_STATE_KEY } from '../mapping/trace-start-state.js';

/**
 * Where a callee in another service attaches when its parent is a span this service's export policy may drop (an
 * auto-instrumented HTTP client span, a web framework's span). Written into that span's own W3C `tracestate`, in the
 * `langfuse` member that also carries the trace's start (`ts:`): `drop:<its span id>;attach:<span id or root>`.
 * The propagator sends it with `traceparent`; the callee's export policy re-points its local root when its remote
 * parent is the span named by `drop`. Naming the span keeps the hint from applying further down: a grandchild
 * service inherits the tracestate, but its parent is another span.
 */
const DROP_FIELD = 'drop';
const ATTACH_FIELD = 'attach';
const ROOT = 'root';
const SPAN_ID = /^[0-9a-f]{16}$/;

/** A callee's parent as the hint says: a span id (remote), or none. `undefined`: no hint for this parent. */
type Hint = { attach: string | undefined };

function pairsOf(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(';');
}

function hintOf(traceState: TraceState | undefined, spanId: string): Hint | undefined {
  let dropped: string | undefined;
  let attach: string | undefined;
  for (const pair of pairsOf(traceState?.get(TRACE_STATE_KEY))) {
    const separator = pair.indexOf(':');
    if (separator < 0) continue;
    const name = pair.slice(0, separator);
    const text = pair.slice(separator + 1);
    if (name === DROP_FIELD) dropped = text;
    else if (name === ATTACH_FIELD) attach = text;
  }
  if (dropped !== spanId || attach === undefined) return undefined;
  if (attach === ROOT) return { attach: undefined };
  return SPAN_ID.test(attach) && attach !== '0000000000000000' ? { attach } : undefined;
}

/**
 * Marks `span` (just started, possibly dropped later) so that a callee whose parent it is attaches to `target`
 * instead: the nearest ancestor sure to be sent, a remote parent, or none (the trace root). The SDK's span context
 * is a plain object the propagator reads at injection time, after the processors' `onStart`. Never throws.
 */
export function writeParentHint(span: ReadableSpan, target: SpanContext | undefined): void {
  try {
    const spanContext = span.spanContext();
    const kept = pairsOf(spanContext.traceState?.get(TRACE_STATE_KEY)).filter((pair) => {
      const name = pair.slice(0, pair.indexOf(':'));
      return name !== DROP_FIELD && name !== ATTACH_FIELD;
    });
    const value = [...kept, `${DROP_FIELD}:${spanContext.spanId}`, `${ATTACH_FIELD}:${target?.spanId ?? ROOT}`].join(';');
    spanContext.traceState = (spanContext.traceState ?? createTraceState()).set(TRACE_STATE_KEY, value);
  } catch {
    // A frozen or foreign span context: the callee then keeps this span as its parent, as without the hint.
  }
}

/**
 * Where a span whose parent is `parent` (remote: another service's span) attaches: the parent itself, unless the
 * parent's service marked it as possibly dropped; then the span it named (remote), or none (a trace root).
 */
export function remoteAttachPoint(parent: SpanContext): SpanContext | undefined {
  const hint = hintOf(parent.traceState, parent.spanId);
  if (hint === undefined) return parent;
  if (hint.attach === undefined) return undefined;
  return { traceId: parent.traceId, spanId: hint.attach, traceFlags: parent.traceFlags, traceState: parent.traceState, isRemote: true };
}
