import { createContextKey } from '@opentelemetry/api';

/** The facade's observation active in a context (its span is the context's span, or an ancestor of it). */
export const OBSERVATION_KEY = createContextKey('@otel-langfuse/tracing observation');
