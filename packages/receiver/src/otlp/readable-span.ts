import type { SpanMapper } from '@otel-langfuse/exporter/mapping';

// The OpenTelemetry SDK types the exporter's mapping reads, taken from its signature: the receiver does not depend
// on the SDK itself, only on the shape the mapping expects.

export type ReadableSpanLike = Parameters<SpanMapper['map']>[0];
export type SpanAttributes = ReadableSpanLike['attributes'];
export type SpanAttributeValue = NonNullable<SpanAttributes[string]>;
export type SpanHrTime = ReadableSpanLike['startTime'];
export type SpanContextLike = ReturnType<ReadableSpanLike['spanContext']>;
export type SpanResource = ReadableSpanLike['resource'];
export type SpanScope = ReadableSpanLike['instrumentationScope'];
export type SpanTimedEvent = ReadableSpanLike['events'][number];
export type SpanLinkLike = ReadableSpanLike['links'][number];
