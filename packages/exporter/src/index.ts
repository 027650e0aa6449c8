export { LangfuseSpanExporter } from './langfuse-span-exporter.js';
export type { LangfuseExporterOptions, TransportSetting } from './config/exporter-options.js';
export type { LangfuseScore } from './scores/score-input.js';
export { emptyExporterStats, type ExporterStats } from './diagnostics/exporter-stats.js';
export type { DroppedEvent, OnDropHook } from './losses/dead-letter.js';
export type { DeadLetterRecord, DeadLetterIngestionRecord, DeadLetterOtlpRecord } from './losses/dead-letter-record.js';
export type { MaskFunction } from './mapping/index.js';
export type {
  IngestionEvent,
  IngestionEventType,
  ObservationBody,
  ObservationCreateEvent,
  ObservationLevel,
  ObservationType,
  ScoreBody,
  ScoreCreateEvent,
  ScoreDataType,
  TraceBody,
  TraceCreateEvent,
} from './wire/ingestion-event.js';
export { SDK_NAME, SDK_VERSION } from './version.js';
export {
  createExportPolicyProcessor,
  type ExportPolicyProcessor,
} from './export-policy/export-policy-processor.js';
export type { ExportPolicy } from './export-policy/export-policy.js';
export type { ExportPolicyOptions, ExportPolicyStats } from './export-policy/export-policy-options.js';
export { isLlmRelatedSpan } from './mapping/index.js';
export { createTraceId } from './ids/create-trace-id.js';
export { checkLangfuse, type LangfuseCheckOptions } from './doctor/check-langfuse.js';
export type { LangfuseCheck, LangfuseCheckReport } from './doctor/check-result.js';
export { formatCheckReport } from './doctor/format-check-report.js';
