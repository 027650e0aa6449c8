import { Ajv, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import {
  BOTH_OR_NEITHER_KEYWORD,
  ENVELOPE_FIELDS,
  ENVELOPE_SCHEMA,
  REQUEST_SCHEMA,
  ZONED_DATE_TIME_FORMAT,
  bodySchema,
  eventSchema,
} from './event-schemas.js';
import { INGESTION_EVENT_TYPES, isIngestionEventType, type IngestionEventType } from '../events/event-types.js';
import type { StoredEvent } from '../events/stored-event.js';
import { summarizeIssues, toValidationIssues, type ValidationIssue } from './validation-issues.js';
import { isZonedDateTime } from './zoned-date-time.js';

export type ValidationFailure = { valid: false; message: string; issues: ValidationIssue[] };

export type EventValidation =
  | { valid: true; event: StoredEvent; /** fields the server would drop silently */ unknownFields: number }
  | ValidationFailure;

export type RequestValidation = { valid: true; batch: unknown[] } | ValidationFailure;

// Reports the missing field (e.g. body.promptVersion) rather than the object, so the message names it.
const bothOrNeither: SchemaValidateFunction = (fields: string[], data: Record<string, unknown>, _schema, context) => {
  const set = fields.filter((field) => data[field] !== undefined && data[field] !== null);
  if (set.length === 0 || set.length === fields.length) return true;
  const missing = fields.filter((field) => !set.includes(field));
  bothOrNeither.errors = missing.map((field) => ({
    keyword: BOTH_OR_NEITHER_KEYWORD,
    instancePath: `${context?.instancePath ?? ''}/${field}`,
    message: `is required when ${set.join(' and ')} is set (${fields.join(' and ')} go together)`,
    params: { fields, set },
  }));
  return false;
};

/** Validates request bodies and events against the receiver's schemas. Compile once, reuse. */
export class EventValidator {
  private readonly request: ValidateFunction;
  private readonly envelope: ValidateFunction;
  private readonly byType = new Map<IngestionEventType, { validate: ValidateFunction; bodyFields: Set<string> }>();

  constructor() {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
    ajv.addFormat(ZONED_DATE_TIME_FORMAT, { type: 'string', validate: isZonedDateTime });
    ajv.addKeyword({
      keyword: BOTH_OR_NEITHER_KEYWORD,
      type: 'object',
      schemaType: 'array',
      errors: true,
      validate: bothOrNeither,
    });
    this.request = ajv.compile(REQUEST_SCHEMA);
    this.envelope = ajv.compile(ENVELOPE_SCHEMA);
    for (const type of INGESTION_EVENT_TYPES) {
      const properties: unknown = bodySchema(type).properties;
      this.byType.set(type, {
        validate: ajv.compile(eventSchema(type)),
        bodyFields: new Set(Object.keys(properties ?? {})),
      });
    }
  }

  validateRequest(body: unknown): RequestValidation {
    if (this.request(body)) return { valid: true, batch: (body as { batch: unknown[] }).batch };
    return failure(this.request, 'request body');
  }

  validateEvent(event: unknown): EventValidation {
    const type = isObject(event) ? event.type : undefined;
    const entry = isIngestionEventType(type) ? this.byType.get(type) : undefined;
    if (!entry) {
      this.envelope(event);
      return failure(this.envelope, 'event');
    }
    if (!entry.validate(event)) return failure(entry.validate, 'event');
    const stored = event as unknown as StoredEvent;
    return { valid: true, event: stored, unknownFields: countUnknown(stored, entry.bodyFields) };
  }
}

function failure(validate: ValidateFunction, root: string): ValidationFailure {
  const issues = toValidationIssues(validate.errors, root);
  return { valid: false, message: summarizeIssues(issues), issues };
}

function countUnknown(event: StoredEvent, bodyFields: ReadonlySet<string>): number {
  let unknown = 0;
  for (const field of Object.keys(event)) if (!ENVELOPE_FIELDS.has(field)) unknown++;
  for (const field of Object.keys(event.body)) if (!bodyFields.has(field)) unknown++;
  return unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
