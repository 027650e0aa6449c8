import { decodeOtlpJson } from './otlp-json-decode.js';
import {
  OtlpDecodeError,
  type OtlpKeyValue,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
  type OtlpTraceRequest,
  type OtlpValue,
} from './otlp-model.js';
import { otlpMessageTypes } from './otlp-schema.js';

export type OtlpFormat = 'protobuf' | 'json';

/** Decodes an (uncompressed) ExportTraceServiceRequest body; throws OtlpDecodeError when it is not one. */
export function decodeOtlpRequest(body: Uint8Array, format: OtlpFormat): OtlpTraceRequest {
  return format === 'json' ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
}

// A message as protobufjs decodes it: fields present on the wire are own properties, defaults sit on the prototype
// (message fields default to null, repeated fields to an empty array).
type Message = Record<string, unknown>;

export function decodeOtlpProtobuf(body: Uint8Array): OtlpTraceRequest {
  let message: Message;
  try {
    message = otlpMessageTypes().request.decode(body) as unknown as Message;
  } catch (error) {
    throw new OtlpDecodeError(`Invalid protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  return { resourceSpans: messages(message.resourceSpans).map(resourceSpans) };
}

function resourceSpans(message: Message): OtlpResourceSpans {
  const resource = optionalMessage(message.resource);
  return {
    resource:
      resource === undefined
        ? undefined
        : { attributes: keyValues(resource.attributes), droppedAttributesCount: uint(resource.droppedAttributesCount) },
    scopeSpans: messages(message.scopeSpans).map(scopeSpans),
    schemaUrl: text(message.schemaUrl),
  };
}

function scopeSpans(message: Message): OtlpScopeSpans {
  const scope = optionalMessage(message.scope);
  return {
    scope:
      scope === undefined
        ? undefined
        : {
            name: text(scope.name),
            version: text(scope.version),
            attributes: keyValues(scope.attributes),
            droppedAttributesCount: uint(scope.droppedAttributesCount),
          },
    spans: messages(message.spans).map(span),
    schemaUrl: text(message.schemaUrl),
  };
}

function span(message: Message): OtlpSpan {
  const status = optionalMessage(message.status);
  return {
    traceId: hex(message.traceId),
    spanId: hex(message.spanId),
    traceState: text(message.traceState),
    parentSpanId: hex(message.parentSpanId),
    flags: uint(message.flags),
    name: text(message.name),
    kind: uint(message.kind),
    startTimeUnixNano: long(message.startTimeUnixNano),
    endTimeUnixNano: long(message.endTimeUnixNano),
    attributes: keyValues(message.attributes),
    droppedAttributesCount: uint(message.droppedAttributesCount),
    events: messages(message.events).map((event) => ({
      timeUnixNano: long(event.timeUnixNano),
      name: text(event.name),
      attributes: keyValues(event.attributes),
      droppedAttributesCount: uint(event.droppedAttributesCount),
    })),
    droppedEventsCount: uint(message.droppedEventsCount),
    links: messages(message.links).map((link) => ({
      traceId: hex(link.traceId),
      spanId: hex(link.spanId),
      traceState: text(link.traceState),
      attributes: keyValues(link.attributes),
      droppedAttributesCount: uint(link.droppedAttributesCount),
      flags: uint(link.flags),
    })),
    droppedLinksCount: uint(message.droppedLinksCount),
    status: { code: status === undefined ? 0 : uint(status.code), message: status === undefined ? '' : text(status.message) },
  };
}

function keyValues(value: unknown): OtlpKeyValue[] {
  return messages(value).map((keyValue) => ({ key: text(keyValue.key), value: anyValue(optionalMessage(keyValue.value)) }));
}

function anyValue(message: Message | undefined): OtlpValue {
  if (message === undefined) return { kind: 'empty' };
  // The oneof's virtual property names the field that was set last on the wire.
  switch (message.value) {
    case 'stringValue':
      return { kind: 'string', value: text(message.stringValue) };
    case 'boolValue':
      return { kind: 'bool', value: message.boolValue === true };
    case 'intValue':
      return { kind: 'int', value: long(message.intValue) };
    case 'doubleValue':
      return { kind: 'double', value: Number(message.doubleValue) };
    case 'bytesValue':
      return { kind: 'bytes', value: bytes(message.bytesValue) };
    case 'arrayValue':
      return { kind: 'array', values: messages(optionalMessage(message.arrayValue)?.values).map(anyValue) };
    case 'kvlistValue':
      return { kind: 'kvlist', values: keyValues(optionalMessage(message.kvlistValue)?.values) };
    default:
      return { kind: 'empty' };
  }
}

function messages(value: unknown): Message[] {
  return Array.isArray(value) ? (value as Message[]) : [];
}

function optionalMessage(value: unknown): Message | undefined {
  return typeof value === 'object' && value !== null ? (value as Message) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function uint(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(0);
}

function hex(value: unknown): string {
  const view = bytes(value);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
}

interface LongBits {
  low: number;
  high: number;
  unsigned?: boolean;
}

/** A 64-bit field (a `long` Long, or a number when the value is small) as an exact bigint. */
function long(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high, unsigned } = value as LongBits;
    const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return unsigned === true ? bits : BigInt.asIntN(64, bits);
  }
  return 0n;
}
