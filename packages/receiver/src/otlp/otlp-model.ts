// A decoded OTLP ExportTraceServiceRequest, the same whether it came as protobuf or as OTLP/JSON.
// Ids are lower-case hex of whatever was sent (validity is checked separately); times are exact nanoseconds.

export type OtlpValue =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'array'; values: OtlpValue[] }
  | { kind: 'kvlist'; values: OtlpKeyValue[] }
  /** An AnyValue with no field set (the SDK sends one for a null array element). */
  | { kind: 'empty' };

export interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}

export interface OtlpSpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState: string;
  /** '' when the span has no parent. */
  parentSpanId: string;
  /** W3C trace flags in bits 0-7; bit 8 "has is_remote", bit 9 "parent is remote". */
  flags: number;
  name: string;
  /** The OTLP enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  links: OtlpSpanLink[];
  droppedLinksCount: number;
  /** code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpScopeSpans {
  scope: OtlpScope | undefined;
  spans: OtlpSpan[];
  schemaUrl: string;
}

export interface OtlpResource {
  attributes: OtlpKeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpResourceSpans {
  resource: OtlpResource | undefined;
  scopeSpans: OtlpScopeSpans[];
  schemaUrl: string;
}

export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** Thrown by the decoders; the message says what is wrong and where, and becomes a 400. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

export function countSpans(request: OtlpTraceRequest): number {
  let count = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  }
  return count;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

/**
 * Why the request must be refused as a whole (a span without a valid trace or span id, or with a malformed parent
 * id), or undefined. Langfuse answers such a request 400 and stores none of it.
 */
export function invalidSpanIdReason(request: OtlpTraceRequest): string | undefined {
  let index = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const where = `span ${index} (${JSON.stringify(span.name.slice(0, 100))})`;
        if (!TRACE_ID.test(span.traceId) || ALL_ZERO.test(span.traceId)) {
          return `${where} has no valid trace id: it must be 16 bytes (32 hex characters), not all zero`;
        }
        if (!SPAN_ID.test(span.spanId) || ALL_ZERO.test(span.spanId)) {
          return `${where} has no valid span id: it must be 8 bytes (16 hex characters), not all zero`;
        }
        if (span.parentSpanId !== '' && !SPAN_ID.test(span.parentSpanId)) {
          return `${where} has a malformed parent span id: it must be empty or 8 bytes (16 hex characters)`;
        }
        index++;
      }
    }
  }
  return undefined;
}

/** A parent span id of all zeros is how some SDKs write "no parent". */
export function hasParent(span: OtlpSpan): boolean {
  return span.parentSpanId !== '' && !ALL_ZERO.test(span.parentSpanId);
}
