export { startReceiver, type Receiver } from './receiver.js';
export type { ReceiverOptions, EventOutcome, BatchSummary } from './config/receiver-options.js';
export { RECEIVER_MODES, type ReceiverMode } from './modes/server-mode.js';
export { INGESTION_PATH } from './ingestion/ingestion-handler.js';
export { OTLP_TRACES_PATH } from './otlp/otlp-handler.js';
export type { StoredEvent, StoredEventBody } from './events/stored-event.js';
export type { IngestionEventType } from './events/event-types.js';
export {
  assembleTraces,
  assembleTrace,
  observationTree,
  topLevelObservationsEnded,
  type AssembledTrace,
  type AssembledTraceRecord,
  type AssembledObservation,
  type AssembledScore,
  type BatchOf,
  type ObservationNode,
  type ObservationType,
  type ObservationLevel,
} from './traces/trace-assembly.js';
export { renderTrace, type RenderTraceOptions } from './traces/trace-render.js';
export type { TraceSummary } from './http/read-api.js';
export { parseModelPrices, type ModelPrice } from './viewer/model-prices.js';
export type { ReceiverStats } from './store/receiver-stats.js';
export type { StoredMedia } from './media/media-store.js';
export type { RequestRecord, RequestEndpoint } from './http/request-log.js';
export type { EventPredicate } from './store/event-store.js';
export type { IngestionResponse, IngestionResultItem } from './ingestion/ingest-batch.js';
export type { ValidationIssue } from './ingestion/validation-issues.js';
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
} from './modes/fault-script.js';
