export { createSpanMapper, type SpanMapper } from './span-to-events.js';
export { mergeTraceCreates, traceFieldsOf } from './merge-trace-creates.js';
export { isTraceDefaults } from './trace-event.js';
export { createHrTimeFormatter, formatHrTime, type HrTimeFormatter } from './hr-time-format.js';
export type { MappingOptions, MaskFunction, MaskField } from './options.js';
export type { MappingNote, NoteSink } from './notes.js';
export { MASK_FAILED, isThenable } from './mask.js';
export { errorKind } from './error-kind.js';
export { isLlmRelatedSpan, isKnownLlmScope, LANGFUSE_SDK_SCOPE } from './conventions/registry.js';

/** The span attribute names Langfuse's SDKs write and its OTLP endpoint reads (and aliases other SDKs use). */
export * from './attribute-names.js';
export { OBSERVATION_TYPES } from '../wire/ingestion-event.js';
export { TRACE_STATE_KEY, traceStateValue } from './trace-start-state.js';
