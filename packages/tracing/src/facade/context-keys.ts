import { createContextKey } from '@opentelemetry/api';

/** The facade's observation active in a context (its span is the context's span, or an ancestor of it). */
export const OBSERVATION_KEY = createContextKey('@otel-langfuse/tracing observation');

/**
 * The caller's span context when a continued request keeps another provider's local span of the same trace
 * active (an auto-instrumented HTTP server span): the facade's next local root is parented to the caller.
 */
export const REMOTE_PARENT_KEY = createContextKey('@otel-langfuse/tracing remote parent');

/**
 * The placeholder parent `withTraceId` puts in a context only to carry a chosen trace id: a trace started under it is
 * the trace's root (named, never parented to the placeholder).
 */
export const GIVEN_TRACE_ID_KEY = createContextKey('@otel-langfuse/tracing given trace id');

/** The innermost `propagateAttributes` scope: attributes every span started inside it carries. */
export const PROPAGATED_KEY = createContextKey('@otel-langfuse/tracing propagated attributes');
