import {
  OtlpDecodeError,
  type OtlpKeyValue,
  type OtlpResourceSpans,
  type OtlpScope,
  type OtlpScopeSpans,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpSpanLink,
  type OtlpTraceRequest,
  type OtlpValue,
} from './otlp-model.js';

// OTLP/JSON as the OTLP specification defines it: the proto3 JSON mapping with lowerCamelCase keys, except that
// trace and span ids are hex strings and enums are integers. 64-bit integers may be strings or numbers, `null` means
// "not set", and unknown keys are ignored. Enum names are accepted too (proto3 JSON parsers accept them).

type JsonObject = Record<string, unknown>;

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export function decodeOtlpJson(body: Uint8Array): OtlpTraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`Invalid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError('Invalid OTLP/JSON: the request body must be an ExportTraceServiceRequest object');
  }
  const root = parsed as JsonObject;
  return { resourceSpans: list(root.resourceSpans, 'resourceSpans', resourceSpans) };
}

function resourceSpans(value: unknown, path: string): OtlpResourceSpans {
  const message = required(value, path);
  const resource = object(message.resource, `${path}.resource`);
  return {
    resource:
      resource === undefined
        ? undefined
        : {
            attributes: keyValues(resource.attributes, `${path}.resource.attributes`),
            droppedAttributesCount: uint32(resource.droppedAttributesCount, `${path}.resource.droppedAttributesCount`),
          },
    scopeSpans: list(message.scopeSpans, `${path}.scopeSpans`, scopeSpans),
    schemaUrl: string(message.schemaUrl, `${path}.schemaUrl`),
  };
}

function scopeSpans(value: unknown, path: string): OtlpScopeSpans {
  const message = required(value, path);
  return {
    scope: scope(message.scope, `${path}.scope`),
    spans: list(message.spans, `${path}.spans`, span),
    schemaUrl: string(message.schemaUrl, `${path}.schemaUrl`),
  };
}

function scope(value: unknown, path: string): OtlpScope | undefined {
  const message = object(value, path);
  if (message === undefined) return undefined;
  return {
    name: string(message.name, `${path}.name`),
    version: string(message.version, `${path}.version`),
    attributes: keyValues(message.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32(message.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

function span(value: unknown, path: string): OtlpSpan {
  const message = required(value, path);
  const status = object(message.status, `${path}.status`);
  return {
    traceId: hexId(message.traceId, `${path}.traceId`),
    spanId: hexId(message.spanId, `${path}.spanId`),
    traceState: string(message.traceState, `${path}.traceState`),
    parentSpanId: hexId(message.parentSpanId, `${path}.parentSpanId`),
    flags: uint32(message.flags, `${path}.flags`),
    name: string(message.name, `${path}.name`),
    kind: enumValue(message.kind, SPAN_KINDS, `${path}.kind`),
    startTimeUnixNano: uint64(message.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: uint64(message.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: keyValues(message.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32(message.droppedAttributesCount, `${path}.droppedAttributesCount`),
    events: list(message.events, `${path}.events`, spanEvent),
    droppedEventsCount: uint32(message.droppedEventsCount, `${path}.droppedEventsCount`),
    links: list(message.links, `${path}.links`, spanLink),
    droppedLinksCount: uint32(message.droppedLinksCount, `${path}.droppedLinksCount`),
    status: {
      code: status === undefined ? 0 : enumValue(status.code, STATUS_CODES, `${path}.status.code`),
      message: status === undefined ? '' : string(status.message, `${path}.status.message`),
    },
  };
}

function spanEvent(value: unknown, path: string): OtlpSpanEvent {
  const message = required(value, path);
  return {
    timeUnixNano: uint64(message.timeUnixNano, `${path}.timeUnixNano`),
    name: string(message.name, `${path}.name`),
    attributes: keyValues(message.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32(message.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

function spanLink(value: unknown, path: string): OtlpSpanLink {
  const message = required(value, path);
  return {
    traceId: hexId(message.traceId, `${path}.traceId`),
    spanId: hexId(message.spanId, `${path}.spanId`),
    traceState: string(message.traceState, `${path}.traceState`),
    attributes: keyValues(message.attributes, `${path}.attributes`),
    droppedAttributesCount: uint32(message.droppedAttributesCount, `${path}.droppedAttributesCount`),
    flags: uint32(message.flags, `${path}.flags`),
  };
}

function keyValues(value: unknown, path: string): OtlpKeyValue[] {
  return list(value, path, (item, itemPath) => {
    const message = required(item, itemPath);
    return { key: string(message.key, `${itemPath}.key`), value: anyValue(message.value, `${itemPath}.value`) };
  });
}

function anyValue(value: unknown, path: string): OtlpValue {
  const message = object(value, path);
  if (message === undefined) return { kind: 'empty' };
  if (isSet(message.stringValue)) return { kind: 'string', value: string(message.stringValue, `${path}.stringValue`) };
  if (isSet(message.boolValue)) {
    if (typeof message.boolValue !== 'boolean') throw invalid(`${path}.boolValue`, 'a boolean');
    return { kind: 'bool', value: message.boolValue };
  }
  if (isSet(message.intValue)) return { kind: 'int', value: int64(message.intValue, `${path}.intValue`) };
  if (isSet(message.doubleValue)) return { kind: 'double', value: double(message.doubleValue, `${path}.doubleValue`) };
  if (isSet(message.bytesValue)) return { kind: 'bytes', value: base64(message.bytesValue, `${path}.bytesValue`) };
  if (isSet(message.arrayValue)) {
    const array = required(message.arrayValue, `${path}.arrayValue`);
    return { kind: 'array', values: list(array.values, `${path}.arrayValue.values`, anyValue) };
  }
  if (isSet(message.kvlistValue)) {
    const kvlist = required(message.kvlistValue, `${path}.kvlistValue`);
    return { kind: 'kvlist', values: keyValues(kvlist.values, `${path}.kvlistValue.values`) };
  }
  return { kind: 'empty' };
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function invalid(path: string, expected: string): OtlpDecodeError {
  return new OtlpDecodeError(`Invalid OTLP/JSON: ${path} must be ${expected}`);
}

function object(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(path, 'an object');
  return value as JsonObject;
}

function required(value: unknown, path: string): JsonObject {
  return object(value, path) ?? {};
}

function list<T>(value: unknown, path: string, item: (value: unknown, path: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(path, 'an array');
  return value.map((element, index) => item(element, `${path}[${index}]`));
}

function string(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(path, 'a string');
  return value;
}

/** Hex as sent, lower-cased; whether it is a valid id is checked later. */
function hexId(value: unknown, path: string): string {
  return string(value, `${path} (hex)`).toLowerCase();
}

const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;
const MAX_UINT64 = (1n << 64n) - 1n;

function uint64(value: unknown, path: string): bigint {
  if (value === undefined || value === null) return 0n;
  const result = integer(value, path, DIGITS, 'a non-negative integer (a decimal string or a number)');
  if (result > MAX_UINT64) throw invalid(path, 'at most 2^64-1');
  return result;
}

function int64(value: unknown, path: string): bigint {
  const result = integer(value, path, SIGNED_DIGITS, 'an integer (a decimal string or a number)');
  if (result !== BigInt.asIntN(64, result)) throw invalid(path, 'within the int64 range');
  return result;
}

function integer(value: unknown, path: string, pattern: RegExp, expected: string): bigint {
  if (typeof value === 'string' && pattern.test(value)) return BigInt(value);
  // A number above 2^53 has already lost precision in JSON.parse; it is taken as parsed.
  if (typeof value === 'number' && Number.isInteger(value) && (pattern === SIGNED_DIGITS || value >= 0)) return BigInt(value);
  throw invalid(path, expected);
}

function uint32(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffffffff) {
    throw invalid(path, 'an unsigned 32-bit integer');
  }
  return number;
}

function enumValue(value: unknown, names: readonly string[], path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index !== -1) return index;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw invalid(path, `an integer enum value (or one of ${names.join(', ')})`);
}

function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw invalid(path, 'a number');
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw invalid(path, 'a base64 string');
  return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
}
