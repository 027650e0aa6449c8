/** Instrumentation scope name of the facade's tracer: export policies recognise Langfuse spans by it. */
export const TRACER_NAME = 'langfuse-sdk';
// Kept equal to package.json's version by a test.
export const TRACING_VERSION = '0.1.0';
export const LOG_NAMESPACE = '@otel-langfuse/tracing';
