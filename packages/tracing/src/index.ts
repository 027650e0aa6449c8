export { langfuse, type Langfuse } from './facade/langfuse.js';
export { observe, type ObserveOptions } from './facade/observe.js';
export { propagateAttributes, type PropagatedAttributes } from './facade/propagate-attributes.js';
export type {
  CostDetails,
  EventOptions,
  GenerationFields,
  GenerationOptions,
  ObservationFields,
  ObservationHandle,
  ObservationLevel,
  ObservationOptions,
  ObservationParent,
  ObservationType,
  ObservationUpdate,
  SpanOptions,
  TraceFields,
  TraceHandle,
  TraceOptions,
  UsageDetails,
} from './facade/types.js';
export { setupLangfuse, type LangfuseHandle } from './setup/setup-langfuse.js';
export type { LangfuseCheckCallOptions } from './setup/check-setup.js';
export { formatCheckReport, type LangfuseCheck, type LangfuseCheckReport } from '@otel-langfuse/exporter';
export { createLangfuseSpanProcessor, type LangfuseSpanProcessor } from './setup/langfuse-span-processor.js';
export type { FlushOptions } from './setup/flush-options.js';
export { withLangfuseFlush, type LangfuseFlushOptions } from './serverless/with-langfuse-flush.js';
export type { WaitUntil } from './serverless/wait-until.js';
export type { LangfuseSetupOptions, LangfuseSpanProcessorOptions, ProcessorMode, RegisterGlobal } from './setup/setup-options.js';
export { injectTraceContext, extractTraceContext, withTraceContext, type PropagationOptions } from './propagation/trace-context.js';
export type { TraceCarrier, HeadersLike } from './propagation/carrier.js';
export { withTraceId } from './propagation/with-trace-id.js';
export { createTraceId } from '@otel-langfuse/exporter';
export { continueTrace, langfuseMiddleware, type IncomingRequestLike } from './propagation/request-helper.js';
export { withJobTrace, JOB_TRACE_FIELD, type JobTrace, type TracedJobData } from './jobs/job-trace.js';
export { continueJobTrace, type ContinueJobTraceOptions } from './jobs/continue-job-trace.js';
export { serializeValue } from './values/serialize-value.js';
export { MASK_FAILED } from './values/mask.js';
export type { MaskFunction, LangfuseExporterOptions, ExporterStats, LangfuseScore } from '@otel-langfuse/exporter';
export type { ScoreOptions } from './facade/score.js';
export { TRACER_NAME, TRACING_VERSION } from './version.js';
export { LangfuseMedia, type LangfuseMediaParams } from './media/langfuse-media.js';
