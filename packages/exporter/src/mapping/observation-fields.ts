import { SpanStatusCode, type HrTime } from '@opentelemetry/api';
import {
  OBSERVATION_TYPES,
  type ModelParameterValue,
  type ObservationLevel,
  type ObservationType,
} from '../wire/ingestion-event.js';
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
import type { ConventionSpan, Source } from './conventions/convention-span.js';
import {
  COMPLETION_START_SOURCES,
  COST_SOURCES,
  INPUT_SOURCES,
  MODEL_PARAMETER_SOURCES,
  MODEL_SOURCES,
  NAME_SOURCES,
  OUTPUT_SOURCES,
  TYPE_SOURCES,
  USAGE_SOURCES,
  discardIo,
  firstOf,
  readIo,
} from './conventions/registry.js';
import { splitCacheAndReasoning } from './conventions/usage.js';
import type { HrTimeFormatter } from './hr-time-format.js';
import { applyMask } from './mask.js';
import type { MappingOptions } from './options.js';
import { readMaskedValue } from './masked-value.js';
import { normalizeCompletionStartTime } from './normalize-completion-start-time.js';
import { limitName } from './normalize-length.js';
import { normalizeLevel } from './normalize-level.js';
import { normalizeModelParameterRecord, normalizeModelParameters } from './normalize-model-parameters.js';
import { normalizeCostDetails, normalizeCostRecord, normalizeUsageDetails, normalizeUsageRecord } from './normalize-usage.js';
import type { Note } from './notes.js';
import type { SpanAttributes } from './span-attributes.js';

/*
 * One reader per observation field: the langfuse.* attribute first; when the span carries another LLM
 * convention's attributes (`conventions` defined), that convention's names next, in the server's priority order
 * (conventions/registry.ts). An explicit value that normalizes to nothing lets the conventions try.
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

/** The span name, or the name a convention gives the operation (tool name, `<functionId>:<operationId>`). */
export function readObservationName(spanName: string, conventions: ConventionSpan | undefined, note: Note): string {
  const name = conventions === undefined ? undefined : firstString(NAME_SOURCES, conventions, 'observation name', note);
  return limitName(name ?? spanName, 'observation name', note);
}

/** The first source whose value is text (or a number); other shapes are dropped with a note and the next tried. */
function firstString(sources: readonly Source<unknown>[], conventions: ConventionSpan, what: string, note: Note): string | undefined {
  for (const source of sources) {
    const value = source(conventions);
    if (value === undefined) continue;
    const text = stringValue(value, what, note);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** The explicit `langfuse.observation.model.name`. */
export function readExplicitModel(attributes: SpanAttributes, note: Note): string | undefined {
  return stringValue(attributes.get(OBSERVATION_MODEL), OBSERVATION_MODEL, note);
}

/** The explicit model, else the conventions' (response model first). */
export function readModel(explicit: string | undefined, conventions: ConventionSpan | undefined, note: Note): string | undefined {
  if (explicit !== undefined || conventions === undefined) return explicit;
  return firstString(MODEL_SOURCES, conventions, 'model', note);
}

/**
 * The explicit type (an unknown one falls through, with a note), else the conventions' (OpenInference span
 * kind, GenAI operation, Vercel AI SDK operation, tool attributes, a model attribute), else `generation` when
 * the explicit model is set, else `span`.
 */
export function readObservationType(
  attributes: SpanAttributes,
  explicitModel: string | undefined,
  conventions: ConventionSpan | undefined,
  note: Note,
): ObservationType {
  const value = attributes.get(OBSERVATION_TYPE);
  let explicit: ObservationType | undefined;
  if (value !== undefined) {
    const type = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (type !== undefined && KNOWN_OBSERVATION_TYPES.has(type)) explicit = type as ObservationType;
  }
  if (explicit !== undefined) return explicit;
  const fallback =
    (conventions === undefined ? undefined : firstOf(TYPE_SOURCES, conventions)) ??
    (explicitModel === undefined ? 'span' : 'generation');
  if (value !== undefined) {
    note(
      'observation-type-invalid',
      `observation type ${typeof value === 'string' && value.length <= 20 ? `"${value}"` : `(${describeType(value)})`} is unknown; mapped as ${fallback}`,
    );
  }
  return fallback;
}

export function isGenerationLike(type: ObservationType): boolean {
  return type !== 'span' && type !== 'event';
}

export function readModelParameters(
  attributes: SpanAttributes,
  conventions: ConventionSpan | undefined,
  note: Note,
): Record<string, ModelParameterValue> | undefined {
  const explicit = normalizeModelParameters(attributes.get(OBSERVATION_MODEL_PARAMETERS), note);
  if (explicit !== undefined || conventions === undefined) return explicit;
  const record = firstOf(MODEL_PARAMETER_SOURCES, conventions);
  return record === undefined ? undefined : normalizeModelParameterRecord(record, note, true);
}

/** Explicit usage as given; a convention's with cache and reasoning tokens split out of input/output. */
export function readUsageDetails(
  attributes: SpanAttributes,
  conventions: ConventionSpan | undefined,
  note: Note,
): Record<string, number> | undefined {
  const explicit = normalizeUsageDetails(attributes.get(OBSERVATION_USAGE_DETAILS), note);
  if (explicit !== undefined || conventions === undefined) return explicit;
  const record = firstOf(USAGE_SOURCES, conventions);
  const usage = record === undefined ? undefined : normalizeUsageRecord(record, note);
  return usage === undefined ? undefined : splitCacheAndReasoning(usage);
}

export function readCostDetails(
  attributes: SpanAttributes,
  conventions: ConventionSpan | undefined,
  note: Note,
): Record<string, number> | undefined {
  const explicit = normalizeCostDetails(attributes.get(OBSERVATION_COST_DETAILS), note);
  if (explicit !== undefined || conventions === undefined) return explicit;
  const record = firstOf(COST_SOURCES, conventions);
  return record === undefined ? undefined : normalizeCostRecord(record, note);
}

/** `time` plus `ms` milliseconds. */
function addMilliseconds(time: HrTime, ms: number): HrTime {
  const nanos = time[1] + Math.round((ms % 1000) * 1e6);
  const seconds = time[0] + Math.floor(ms / 1000) + Math.floor(nanos / 1e9);
  return [seconds, nanos % 1e9];
}

/** The explicit time, else the span start plus a convention's time to the first chunk. */
export function readCompletionStartTime(
  attributes: SpanAttributes,
  conventions: ConventionSpan | undefined,
  format: HrTimeFormatter,
  note: Note,
): string | undefined {
  const explicit = normalizeCompletionStartTime(attributes.get(OBSERVATION_COMPLETION_START_TIME), note);
  if (explicit !== undefined || conventions === undefined) return explicit;
  const ms = firstOf(COMPLETION_START_SOURCES, conventions);
  return ms === undefined || ms > 8.64e12 ? undefined : format(addMilliseconds(conventions.startTime, ms));
}

/**
 * Explicit input, else the first convention carrier with a value (masked like the explicit one). The other
 * carriers of the same input are then counted as mapped: duplicates, left out of the metadata.
 */
export function readObservationInput(
  attributes: SpanAttributes,
  conventions: ConventionSpan | undefined,
  options: MappingOptions,
  note: Note,
): unknown {
  const explicit = readMaskedValue(attributes, OBSERVATION_INPUT, 'input', options, note);
  if (conventions === undefined) return explicit;
  if (explicit !== undefined) {
    discardIo(INPUT_SOURCES, conventions);
    return explicit;
  }
  return applyMask(options.mask, readIo(INPUT_SOURCES, conventions), 'input', note);
}

export function readObservationOutput(
  attributes: SpanAttributes,
  conventions: ConventionSpan | undefined,
  options: MappingOptions,
  note: Note,
): unknown {
  const explicit = readMaskedValue(attributes, OBSERVATION_OUTPUT, 'output', options, note);
  if (conventions === undefined) return explicit;
  if (explicit !== undefined) {
    discardIo(OUTPUT_SOURCES, conventions);
    return explicit;
  }
  return applyMask(options.mask, readIo(OUTPUT_SOURCES, conventions), 'output', note);
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
