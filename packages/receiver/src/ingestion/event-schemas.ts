import type { SchemaObject } from 'ajv';
import { INGESTION_EVENT_TYPES, type IngestionEventType } from '../events/event-types.js';

// JSON Schemas for the legacy ingestion path, written from the server's runtime rules (stricter than its OpenAPI
// file). Most optional fields also accept null because the server merges events and `null` clears a field.
// Unknown fields are allowed: the server drops them silently. The custom format `zoned-date-time` and the keyword
// `bothOrNeither` are registered by event-validator.ts.

export const ZONED_DATE_TIME_FORMAT = 'zoned-date-time';
export const BOTH_OR_NEITHER_KEYWORD = 'bothOrNeither';

const MAX_ID_LENGTH = 800;

const id = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH };
const nullableId = { type: ['string', 'null'], minLength: 1, maxLength: MAX_ID_LENGTH };
const nullableString = { type: ['string', 'null'] };
const nullableTime = { type: ['string', 'null'], format: ZONED_DATE_TIME_FORMAT };
const anyJson = {};

// The server lowercases a bad environment, strips `langfuse` prefixes and otherwise silently stores "default".
// The receiver rejects such a value instead, so a client bug shows up in tests rather than as misfiled data.
const environment = {
  type: 'string',
  pattern: '^(?!langfuse)[a-z0-9_-]{1,40}$',
  description: 'must be 1..40 characters of [a-z0-9_-] and must not start with "langfuse"',
};

const traceBody: SchemaObject = {
  type: 'object',
  required: ['id'],
  properties: {
    id,
    timestamp: nullableTime,
    name: { type: ['string', 'null'], maxLength: 1000 },
    userId: nullableString,
    sessionId: nullableString,
    input: anyJson,
    output: anyJson,
    metadata: anyJson,
    tags: { type: ['array', 'null'], items: { type: 'string' } },
    public: { type: ['boolean', 'null'] },
    release: nullableString,
    version: nullableString,
    environment,
  },
};

const eventObservationProperties = {
  id,
  traceId: id,
  parentObservationId: nullableId,
  name: nullableString,
  startTime: nullableTime,
  input: anyJson,
  output: anyJson,
  metadata: anyJson,
  level: { type: ['string', 'null'], enum: ['DEBUG', 'DEFAULT', 'WARNING', 'ERROR', null] },
  statusMessage: nullableString,
  version: nullableString,
  environment,
};

const spanObservationProperties = { ...eventObservationProperties, endTime: nullableTime };

const generationObservationProperties = {
  ...spanObservationProperties,
  completionStartTime: nullableTime,
  model: nullableString,
  modelParameters: {
    type: ['object', 'null'],
    // Per value: string, number, boolean, null, string[] or string->string map.
    additionalProperties: {
      type: ['string', 'number', 'boolean', 'null', 'array', 'object'],
      items: { type: 'string' },
      additionalProperties: { type: 'string' },
    },
  },
  // Legacy usage shape; the server normalises it, so only its being an object is checked.
  usage: { type: ['object', 'null'] },
  usageDetails: {
    type: ['object', 'null'],
    // OpenAI-shaped usage nests counts under `*_details` keys (e.g. prompt_tokens_details.cached_tokens).
    patternProperties: {
      '_details$': { type: ['object', 'null'], additionalProperties: { type: 'integer', minimum: 0 } },
    },
    additionalProperties: { type: 'integer', minimum: 0 },
  },
  costDetails: { type: ['object', 'null'], additionalProperties: { type: 'number', minimum: 0 } },
  promptName: { type: ['string', 'null'], minLength: 1 },
  promptVersion: { type: ['integer', 'null'] },
};

function observationBody(properties: Record<string, object>, generationLike: boolean): SchemaObject {
  const schema: SchemaObject = { type: 'object', required: ['id', 'traceId'], properties };
  if (generationLike) schema[BOTH_OR_NEITHER_KEYWORD] = ['promptName', 'promptVersion'];
  return schema;
}

const eventBody = observationBody(eventObservationProperties, false);
const spanBody = observationBody(spanObservationProperties, false);
const generationBody = observationBody(generationObservationProperties, true);

const scoreBody: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'value'],
  properties: {
    id,
    traceId: nullableId,
    observationId: nullableId,
    sessionId: nullableId,
    datasetRunId: nullableId,
    name: { type: 'string', minLength: 1 },
    value: { type: ['number', 'string'] },
    dataType: { type: ['string', 'null'], enum: ['NUMERIC', 'CATEGORICAL', 'BOOLEAN', 'TEXT', 'CORRECTION', null] },
    comment: nullableString,
    configId: nullableString,
    metadata: anyJson,
    environment,
    timestamp: nullableTime,
  },
  // The server takes exactly one target: a trace (with an optional observation), a session or a dataset run.
  not: { type: 'object', required: ['traceId', 'sessionId'], properties: { traceId: { type: 'string' }, sessionId: { type: 'string' } } },
  // The server's score body is a union on dataType: each type fixes the value's shape.
  allOf: [
    scoreValueRule(['NUMERIC'], { type: 'number' }),
    scoreValueRule(['BOOLEAN'], { type: 'number', enum: [0, 1] }),
    scoreValueRule(['CATEGORICAL', 'CORRECTION'], { type: 'string' }),
    scoreValueRule(['TEXT'], { type: 'string', minLength: 1, maxLength: 500 }),
  ],
};

function scoreValueRule(dataTypes: string[], value: SchemaObject): SchemaObject {
  return {
    if: { type: 'object', required: ['dataType'], properties: { dataType: { enum: dataTypes } } },
    then: { type: 'object', properties: { value } },
  };
}

// The server does not need an id on sdk-log, but the receiver requires body.id on every type so a client that
// forgets it anywhere is caught (a trace or score without one is answered 201 and then never stored).
const sdkLogBody: SchemaObject = {
  type: 'object',
  required: ['id'],
  properties: { id, log: anyJson },
};

export function bodySchema(type: IngestionEventType): SchemaObject {
  switch (type) {
    case 'trace-create':
      return traceBody;
    case 'span-create':
    case 'span-update':
      return spanBody;
    case 'event-create':
      return eventBody;
    case 'score-create':
      return scoreBody;
    case 'sdk-log':
      return sdkLogBody;
    default:
      return generationBody; // generation-create/-update and the extended observation types
  }
}

const envelopeProperties = {
  id: { ...id, pattern: '^[^\\r]*$', description: 'must not contain a carriage return (\\r)' },
  timestamp: { type: 'string', format: ZONED_DATE_TIME_FORMAT },
  metadata: anyJson,
};

const ENVELOPE_REQUIRED = ['id', 'timestamp', 'type', 'body'];

/** Checks only the envelope; used when the event type is unknown, so no body schema applies. */
export const ENVELOPE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ENVELOPE_REQUIRED,
  properties: {
    ...envelopeProperties,
    type: { type: 'string', enum: [...INGESTION_EVENT_TYPES] },
    body: { type: 'object' },
  },
};

export function eventSchema(type: IngestionEventType): SchemaObject {
  return {
    type: 'object',
    required: ENVELOPE_REQUIRED,
    properties: { ...envelopeProperties, type: { const: type }, body: bodySchema(type) },
  };
}

export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set([...Object.keys(envelopeProperties), 'type', 'body']);

/** The request body: `{ batch: [...], metadata? }`. Events are checked one by one afterwards. */
export const REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['batch'],
  properties: { batch: { type: 'array' }, metadata: anyJson },
};
