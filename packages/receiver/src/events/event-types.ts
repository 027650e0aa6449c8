/** Event types a Langfuse server < 3.99 rejects; from 3.99 on their body is a generation body. */
export const EXTENDED_OBSERVATION_EVENT_TYPES = [
  'agent-create',
  'tool-create',
  'chain-create',
  'retriever-create',
  'evaluator-create',
  'embedding-create',
  'guardrail-create',
] as const;

export const OBSERVATION_EVENT_TYPES = [
  'span-create',
  'span-update',
  'generation-create',
  'generation-update',
  'event-create',
  ...EXTENDED_OBSERVATION_EVENT_TYPES,
] as const;

export const INGESTION_EVENT_TYPES = ['trace-create', ...OBSERVATION_EVENT_TYPES, 'score-create', 'sdk-log'] as const;

export type IngestionEventType = (typeof INGESTION_EVENT_TYPES)[number];
export type ObservationEventType = (typeof OBSERVATION_EVENT_TYPES)[number];
export type ExtendedObservationEventType = (typeof EXTENDED_OBSERVATION_EVENT_TYPES)[number];

const known: ReadonlySet<string> = new Set(INGESTION_EVENT_TYPES);
const observations: ReadonlySet<string> = new Set(OBSERVATION_EVENT_TYPES);
const extended: ReadonlySet<string> = new Set(EXTENDED_OBSERVATION_EVENT_TYPES);

export function isIngestionEventType(type: unknown): type is IngestionEventType {
  return typeof type === 'string' && known.has(type);
}

export function isObservationEventType(type: unknown): type is ObservationEventType {
  return typeof type === 'string' && observations.has(type);
}

export function isExtendedObservationEventType(type: unknown): type is ExtendedObservationEventType {
  return typeof type === 'string' && extended.has(type);
}
