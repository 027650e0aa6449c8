import { isSpanContextValid, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import { GIVEN_TRACE_ID_KEY, OBSERVATION_KEY, REMOTE_PARENT_KEY } from './context-keys.js';
import type { FacadeConfig } from './facade-config.js';
import type { TraceScope } from './trace-scope.js';

/** Where to start a new observation, as seen from `base`. */
export interface ParentChoice {
  /** The context to start the span in (its span is the parent). */
  context: Context;
  /** The trace the observation joins locally; undefined: it starts the local part of a trace. */
  scope: TraceScope | undefined;
  /** Parented to a foreign span our provider never exports: the exporter must treat ours as the trace root. */
  asRoot: boolean;
}

interface ScopedObservation {
  readonly otelSpan: Span;
  readonly traceId: string;
  readonly scope: TraceScope | undefined;
}

export function resolveParent(base: Context, config: FacadeConfig): ParentChoice {
  const active = trace.getSpan(base);
  const own = base.getValue(OBSERVATION_KEY) as ScopedObservation | undefined;
  const ownership = config.ownership;
  if (own !== undefined && active !== undefined) {
    if (active === own.otelSpan) return { context: base, scope: own.scope, asRoot: false };
    const sameTrace = active.spanContext().traceId === own.traceId;
    if (sameTrace && ownership !== undefined && !ownership.owns(active)) {
      // Another provider's span inside our observation (e.g. an auto-instrumented HTTP call): ours never sees
      // it, so our observation stays the parent.
      return { context: trace.setSpan(base, own.otelSpan), scope: own.scope, asRoot: false };
    }
    if (sameTrace) return { context: base, scope: own.scope, asRoot: false };
  }
  if (active === undefined) return { context: base, scope: undefined, asRoot: false };
  const spanContext = active.spanContext();
  // A trace id given with withTraceId: the placeholder parent only carries the id; the trace starts here.
  if (base.getValue(GIVEN_TRACE_ID_KEY) === spanContext) return { context: base, scope: undefined, asRoot: true };
  if (!isSpanContextValid(spanContext) || spanContext.isRemote === true) {
    // A new trace, or the continuation of a caller's trace (a remote parent).
    return { context: base, scope: undefined, asRoot: false };
  }
  const foreign = ownership !== undefined && !ownership.owns(active);
  const remote = base.getValue(REMOTE_PARENT_KEY) as SpanContext | undefined;
  if (foreign && remote !== undefined && remote.traceId === spanContext.traceId) {
    // A continued request whose server span (another provider's, never exported by ours) stayed active: our
    // root joins the caller instead.
    return { context: trace.setSpanContext(base, remote), scope: undefined, asRoot: false };
  }
  return { context: base, scope: undefined, asRoot: foreign };
}
