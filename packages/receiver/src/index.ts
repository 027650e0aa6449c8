export { startReceiver, type Receiver } from './receiver.js';
export type { ReceiverOptions, EventOutcome, BatchSummary } from './receiver-options.js';
export { RECEIVER_MODES, type ReceiverMode } from './server-mode.js';
export { INGESTION_PATH } from './ingestion-handler.js';
export { OTLP_TRACES_PATH } from './otlp-handler.js';
export type { StoredEvent, StoredEventBody } from './stored-event.js';
export type { IngestionEventType } from './event-types.js';
export {
  assembleTraces,
  assembleTrace,
  observationTree,
  topLevelObservationsEnded,
  type AssembledTrace,
  type AssembledTraceRecord,
  type AssembledObservation,
  type AssembledScore,
  type ObservationNode,
  type ObservationType,
  type ObservationLevel,
} from './trace-assembly.js';
export { renderTrace, type RenderTraceOptions } from './trace-render.js';
export type { TraceSummary } from './read-api.js';
export type { ReceiverStats } from './receiver-stats.js';
export type { RequestRecord, RequestEndpoint } from './request-log.js';
export type { EventPredicate } from './event-store.js';
export type { IngestionResponse, IngestionResultItem } from './ingest-batch.js';
export type { ValidationIssue } from './validation-issues.js';
export type {
  FaultController,
  FaultStep,
  FaultKind,
  StatusFault,
  DelayFault,
  HangFault,
  DestroyFault,
  EventErrorsFault,
  EventErrorsSpec,
} from './fault-script.js';
