// Hand-built OTLP payloads, for tests that do not use the OpenTelemetry SDK: one description of some spans gives the
// OTLP/JSON body, the protobuf body and the SDK-shaped ReadableSpans the exporter's mapping would see for them.

import type { SpanMapper } from '@otel-langfuse/exporter/mapping';
import { otlpMessageTypes } from '../src/otlp/otlp-schema.js';

export type ReadableSpan = Parameters<SpanMapper['map']>[0];
export type AttributeValue = string | number | boolean | (string | null)[] | (number | null)[] | (boolean | null)[];
export type AttributeMap = Record<string, AttributeValue>;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** Sets the OTLP "parent is remote" flag bits. */
  parentIsRemote?: boolean;
  name: string;
  /** The API's SpanKind (0 internal .. 4 consumer); OTLP gets it plus one. */
  kind?: number;
  /** Nanoseconds since the epoch. */
  start: bigint;
  end: bigint;
  attributes?: AttributeMap;
  events?: { name: string; time: bigint; attributes?: AttributeMap }[];
  status?: { code: 0 | 1 | 2; message?: string };
}

export interface PayloadSpec {
  resource?: AttributeMap;
  scope?: { name: string; version?: string };
  spans: SpanSpec[];
}

export const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
/** 2024-05-01T12:00:00Z in nanoseconds. */
export const T0 = 1_714_564_800n * 1_000_000_000n;

let nextSpan = 0x1000;
/** A fresh valid span id. */
export function spanId(): string {
  nextSpan++;
  return `b7ad6b71${nextSpan.toString(16).padStart(8, '0')}`;
}

export function simpleSpan(overrides: Partial<SpanSpec> = {}): SpanSpec {
  return {
    traceId: TRACE_A,
    spanId: spanId(),
    name: 'operation',
    start: T0 + 123_456_789n,
    end: T0 + 2_500_000_000n,
    ...overrides,
  };
}

function anyValueJson(value: AttributeValue | null): object {
  if (value === null) return {};
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValueJson) } };
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    default:
      // As the SDK's serializer does: integers as int_value, everything else as double_value.
      return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
}

function attributesJson(attributes: AttributeMap = {}): object[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValueJson(value) }));
}

function flags(spec: SpanSpec): number {
  return 0x01 | 0x100 | (spec.parentIsRemote ? 0x200 : 0);
}

/** The OTLP/JSON ExportTraceServiceRequest (ids as hex, times as decimal strings, enums as integers). */
export function toOtlpJson(payload: PayloadSpec): { resourceSpans: object[] } {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributesJson(payload.resource ?? { 'service.name': 'test-service' }), droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: payload.scope ?? { name: 'test-scope', version: '1.0.0' },
            spans: payload.spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
              flags: flags(span),
              name: span.name,
              kind: (span.kind ?? 0) + 1,
              startTimeUnixNano: span.start.toString(),
              endTimeUnixNano: span.end.toString(),
              attributes: attributesJson(span.attributes),
              droppedAttributesCount: 0,
              events: (span.events ?? []).map((event) => ({
                timeUnixNano: event.time.toString(),
                name: event.name,
                attributes: attributesJson(event.attributes),
                droppedAttributesCount: 0,
              })),
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
            })),
          },
        ],
      },
    ],
  };
}

export function toOtlpJsonText(payload: PayloadSpec): string {
  return JSON.stringify(toOtlpJson(payload));
}

/** Encodes an OTLP/JSON-shaped object as protobuf (hex ids become bytes). */
export function jsonToProtobuf(request: object): Uint8Array {
  const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, ID_FIELDS.has(key) && typeof field === 'string' ? Buffer.from(field, 'hex') : convert(field)]),
    );
  };
  const { request: type } = otlpMessageTypes();
  return type.encode(type.fromObject(convert(request) as Record<string, unknown>)).finish();
}

export function toOtlpProtobuf(payload: PayloadSpec): Uint8Array {
  return jsonToProtobuf(toOtlpJson(payload));
}

function hrTime(nanos: bigint): [number, number] {
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

/** The spans as an SDK would hand them to the exporter. */
export function toReadableSpans(payload: PayloadSpec): ReadableSpan[] {
  const attributes = payload.resource ?? { 'service.name': 'test-service' };
  const resource: ReadableSpan['resource'] = {
    attributes,
    merge: () => resource,
    getRawAttributes: () => Object.entries(attributes),
  };
  const scope = payload.scope ?? { name: 'test-scope', version: '1.0.0' };
  return payload.spans.map((span) => {
    const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: 1 };
    return {
      name: span.name,
      kind: span.kind ?? 0,
      spanContext: () => context,
      ...(span.parentSpanId === undefined
        ? {}
        : { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: 1, isRemote: span.parentIsRemote === true } }),
      startTime: hrTime(span.start),
      endTime: hrTime(span.end),
      status: span.status ?? { code: 0 },
      attributes: span.attributes ?? {},
      links: [],
      events: (span.events ?? []).map((event) => ({ name: event.name, time: hrTime(event.time), attributes: event.attributes ?? {} })),
      duration: hrTime(span.end - span.start),
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}
