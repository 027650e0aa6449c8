import type { Attributes } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import {
  ENVIRONMENT,
  OBSERVATION_COMPLETION_START_TIME,
  OBSERVATION_COST_DETAILS,
  OBSERVATION_INPUT,
  OBSERVATION_LEVEL,
  OBSERVATION_METADATA,
  OBSERVATION_MODEL,
  OBSERVATION_MODEL_PARAMETERS,
  OBSERVATION_OUTPUT,
  OBSERVATION_PROMPT_NAME,
  OBSERVATION_PROMPT_VERSION,
  OBSERVATION_STATUS_MESSAGE,
  OBSERVATION_USAGE_DETAILS,
  VERSION,
} from '../attribute-names.js';
import { setMaskedValue, setMetadata } from '../values/io-attributes.js';
import { safeRead, stringField } from '../values/safe-read.js';
import { serializeValue } from '../values/serialize-value.js';
import { readObservationFields } from './read-fields.js';

/** Adds the attributes of observation fields (see `ObservationUpdate`) that are present. Never throws. */
export function addObservationAttributes(attributes: Attributes, fields: unknown, mask: MaskFunction | undefined): void {
  if (typeof fields !== 'object' || fields === null) return;
  const field = readObservationFields(fields);
  addIoAttributes(attributes, field.input, field.output, mask);
  setMetadata(attributes, OBSERVATION_METADATA, field.metadata, mask);
  setText(attributes, OBSERVATION_LEVEL, level(field.level));
  setText(attributes, OBSERVATION_STATUS_MESSAGE, stringField(field.statusMessage));
  setText(attributes, VERSION, stringField(field.version));
  setText(attributes, ENVIRONMENT, stringField(field.environment));
  setText(attributes, OBSERVATION_MODEL, stringField(field.model));
  setText(attributes, OBSERVATION_MODEL_PARAMETERS, jsonObject(field.modelParameters));
  setText(attributes, OBSERVATION_USAGE_DETAILS, jsonObject(field.usage));
  setText(attributes, OBSERVATION_COST_DETAILS, jsonObject(field.cost));
  setText(attributes, OBSERVATION_COMPLETION_START_TIME, isoTime(field.completionStartTime));
  const prompt = field.prompt;
  if (prompt !== undefined) {
    const name = stringField(safeRead(prompt, 'name'));
    const version = safeRead(prompt, 'version');
    if (name !== undefined && typeof version === 'number' && Number.isInteger(version)) {
      attributes[OBSERVATION_PROMPT_NAME] = name;
      attributes[OBSERVATION_PROMPT_VERSION] = version;
    }
  }
}

/** The observation's input and output (what `addObservationAttributes` writes first). Never throws. */
export function addIoAttributes(attributes: Attributes, input: unknown, output: unknown, mask: MaskFunction | undefined): void {
  setMaskedValue(attributes, OBSERVATION_INPUT, input, 'input', mask);
  setMaskedValue(attributes, OBSERVATION_OUTPUT, output, 'output', mask);
}

function setText(attributes: Attributes, name: string, value: string | undefined): void {
  if (value !== undefined) attributes[name] = value;
}

function level(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase().slice(0, 20) : undefined;
}

function jsonObject(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? serializeValue(value) : undefined;
}

function isoTime(value: unknown): string | undefined {
  try {
    if (typeof value === 'string') return value === '' ? undefined : value;
    const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : undefined;
    return date !== undefined && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
  } catch {
    return undefined;
  }
}
