/**
 * The Langfuse legacy ingestion wire format (`POST /api/public/ingestion`), as the server accepts it.
 * Fields left `undefined` are omitted on the wire, which the server reads as "unknown, keep what you have".
 */

export const OBSERVATION_TYPES = [
  'span',
  'generation',
  'event',
  'agent',
  'tool',
  'chain',
  'retriever',
  'evaluator',
  'embedding',
  'guardrail',
] as const;

export type ObservationType = (typeof OBSERVATION_TYPES)[number];

export type ObservationLevel = 'DEBUG' | 'DEFAULT' | 'WARNING' | 'ERROR';

/** Observation types that only servers >= 3.99 accept as their own `<type>-create` event: all but the first three. */
export const EXTENDED_OBSERVATION_TYPES: ReadonlySet<ObservationType> = new Set(
  OBSERVATION_TYPES.filter((type) => type !== 'span' && type !== 'generation' && type !== 'event'),
);

export type IngestionEventType =
  | 'trace-create'
  | 'span-create'
  | 'generation-create'
  | 'event-create'
  | 'agent-create'
  | 'tool-create'
  | 'chain-create'
  | 'retriever-create'
  | 'evaluator-create'
  | 'embedding-create'
  | 'guardrail-create'
  | 'score-create'
  | 'sdk-log';

export interface TraceBody {
  id: string;
  timestamp?: string;
  name?: string;
  userId?: string;
  sessionId?: string;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  tags?: string[];
  public?: boolean;
  release?: string;
  version?: string;
  environment?: string;
}

export type ModelParameterValue = string | number | boolean | string[] | Record<string, string> | null;

export interface ObservationBody {
  id: string;
  traceId: string;
  parentObservationId?: string;
  name?: string;
  startTime?: string;
  endTime?: string;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  level?: ObservationLevel;
  statusMessage?: string;
  version?: string;
  environment?: string;
  // Generation-like observations only:
  completionStartTime?: string;
  model?: string;
  modelParameters?: Record<string, ModelParameterValue>;
  usageDetails?: Record<string, number>;
  costDetails?: Record<string, number>;
  promptName?: string;
  promptVersion?: number;
}

export interface TraceCreateEvent {
  id: string;
  timestamp: string;
  type: 'trace-create';
  body: TraceBody;
}

export interface ObservationCreateEvent {
  id: string;
  timestamp: string;
  type: Exclude<IngestionEventType, 'trace-create' | 'score-create' | 'sdk-log'>;
  body: ObservationBody;
}

export type IngestionEvent = TraceCreateEvent | ObservationCreateEvent;

export type ScoreDataType = 'NUMERIC' | 'BOOLEAN' | 'CATEGORICAL' | 'TEXT' | 'CORRECTION';

export interface ScoreBody {
  id: string;
  name: string;
  value: number | string;
  traceId?: string;
  observationId?: string;
  sessionId?: string;
  dataType?: ScoreDataType;
  comment?: string;
  metadata?: Record<string, unknown>;
  environment?: string;
}

export interface ScoreCreateEvent {
  id: string;
  timestamp: string;
  type: 'score-create';
  body: ScoreBody;
}

/** Everything the legacy path delivers: the events spans map to, and scores. */
export type DeliverableEvent = IngestionEvent | ScoreCreateEvent;

/** One item of a 207 answer. */
export interface IngestionResultItem {
  id: string;
  status: number;
  message?: string;
  error?: unknown;
}

export interface IngestionResponseBody {
  successes: IngestionResultItem[];
  errors: IngestionResultItem[];
}
