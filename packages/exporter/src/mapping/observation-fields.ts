import { SpanStatusCode } from '@opentelemetry/api';
import { OBSERVATION_TYPES, type ObservationLevel, type ObservationType } from '../ingestion-event.js';
import {
  OBSERVATION_COMPLETION_START_TIME,
  OBSERVATION_COST_DETAILS,
  OBSERVATION_INPUT,
  OBSERVATION_LEVEL,
  OBSERVATION_MODEL,
  OBSERVATION_MODEL_PARAMETERS,
  OBSERVATION_OUTPUT,
  OBSERVATION_PROMPT_NAME,
  OBSERVATION_PROMPT_VERSION,
  OBSERVATION_STATUS_MESSAGE,
  OBSERVATION_TYPE,
  OBSERVATION_USAGE_DETAILS,
} from './attribute-names.js';
import { describeType, stringValue } from './attribute-values.js';
import type { MappingOptions } from './options.js';
import { readMaskedValue } from './masked-value.js';
import { normalizeLevel } from './normalize-level.js';
import type { Note } from './notes.js';
import type { SpanAttributes } from './span-attributes.js';

/*
 * One reader per observation field: the langfuse.* attribute first. Other conventions' names (GenAI, Vercel
 * AI SDK, OpenInference) slot in here later as further fallbacks, read through `attributes.getAlias`.
 */

const KNOWN_OBSERVATION_TYPES: ReadonlySet<string> = new Set(OBSERVATION_TYPES);

/** The attributes that only generation-like observations carry. */
export const GENERATION_ATTRIBUTES: readonly string[] = [
  OBSERVATION_MODEL,
  OBSERVATION_MODEL_PARAMETERS,
  OBSERVATION_USAGE_DETAILS,
  OBSERVATION_COST_DETAILS,
  OBSERVATION_COMPLETION_START_TIME,
  OBSERVATION_PROMPT_NAME,
  OBSERVATION_PROMPT_VERSION,
];

export function readModel(attributes: SpanAttributes, note: Note): string | undefined {
  return stringValue(attributes.get(OBSERVATION_MODEL), OBSERVATION_MODEL, note);
}

/** The explicit type, else `generation` when a model is named, else `span`. */
export function readObservationType(attributes: SpanAttributes, model: string | undefined, note: Note): ObservationType {
  const value = attributes.get(OBSERVATION_TYPE);
  if (value !== undefined) {
    const type = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (type !== undefined && KNOWN_OBSERVATION_TYPES.has(type)) return type as ObservationType;
    const fallback = model === undefined ? 'span' : 'generation';
    note(
      'observation-type-invalid',
      `observation type ${typeof value === 'string' && value.length <= 20 ? `"${value}"` : `(${describeType(value)})`} is unknown; mapped as ${fallback}`,
    );
    return fallback;
  }
  return model === undefined ? 'span' : 'generation';
}

export function isGenerationLike(type: ObservationType): boolean {
  return type !== 'span' && type !== 'event';
}

export function readObservationInput(attributes: SpanAttributes, options: MappingOptions, note: Note): unknown {
  return readMaskedValue(attributes, OBSERVATION_INPUT, 'input', options, note);
}

export function readObservationOutput(attributes: SpanAttributes, options: MappingOptions, note: Note): unknown {
  return readMaskedValue(attributes, OBSERVATION_OUTPUT, 'output', options, note);
}

/** The explicit level, else ERROR for an error status, else DEFAULT. */
export function readLevel(attributes: SpanAttributes, statusCode: SpanStatusCode, note: Note): ObservationLevel {
  return (
    normalizeLevel(attributes.get(OBSERVATION_LEVEL), note) ??
    (statusCode === SpanStatusCode.ERROR ? 'ERROR' : 'DEFAULT')
  );
}

/** The explicit status message, else the span status message, else the recorded exception's message. */
export function readStatusMessage(
  attributes: SpanAttributes,
  statusMessage: string | undefined,
  exceptionMessage: string | undefined,
  note: Note,
): string | undefined {
  return (
    stringValue(attributes.get(OBSERVATION_STATUS_MESSAGE), OBSERVATION_STATUS_MESSAGE, note) ??
    (typeof statusMessage === 'string' && statusMessage !== '' ? statusMessage : undefined) ??
    exceptionMessage
  );
}
