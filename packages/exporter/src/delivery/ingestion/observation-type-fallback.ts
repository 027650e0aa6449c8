import {
  EXTENDED_OBSERVATION_TYPES,
  type DeliverableEvent,
  type ObservationBody,
  type ObservationCreateEvent,
  type ObservationType,
} from '../../wire/ingestion-event.js';

const GENERATION_FIELDS = ['model', 'modelParameters', 'usageDetails', 'costDetails', 'completionStartTime', 'promptName', 'promptVersion'] as const;

export function isExtendedTypeEvent(event: DeliverableEvent): event is ObservationCreateEvent {
  return EXTENDED_OBSERVATION_TYPES.has(event.type.slice(0, -'-create'.length) as ObservationType);
}

/**
 * The same observation as an older server understands it: `embedding` (and any type carrying model data) as a
 * generation, the others as a span. The original type survives in metadata.
 */
export function downgradeObservation(event: ObservationCreateEvent): ObservationCreateEvent {
  const originalType = event.type.slice(0, -'-create'.length);
  const hasGenerationData = GENERATION_FIELDS.some((field) => event.body[field] !== undefined);
  const asGeneration = originalType === 'embedding' || hasGenerationData;
  const body: ObservationBody = { ...event.body, metadata: { ...event.body.metadata, observationType: originalType } };
  if (!asGeneration) for (const field of GENERATION_FIELDS) delete body[field];
  const type = asGeneration ? 'generation-create' : 'span-create';
  return { id: `${body.id}-${type}`, timestamp: event.timestamp, type, body };
}
