import { toSpanAttributes } from './otlp-attributes.js';
import { hasParent, type OtlpResource, type OtlpScope, type OtlpSpan, type OtlpSpanLink } from './otlp-model.js';
import type {
  ReadableSpanLike,
  SpanAttributes,
  SpanContextLike,
  SpanHrTime,
  SpanLinkLike,
  SpanResource,
  SpanScope,
} from './readable-span.js';

// A decoded OTLP span as the SDK's ReadableSpan the exporter's mapping reads, so OTLP spans become the same events
// the exporter sends on the legacy path. The trace state is not carried over (the mapping does not read it).

const NANOS_PER_SECOND = 1_000_000_000n;
// OTLP span flags: bits 0-7 are the W3C trace flags; bit 8 says whether bit 9 ("the parent is remote") is known.
const TRACE_FLAGS_MASK = 0xff;
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** Exact: [seconds, nanoseconds] from nanoseconds since the epoch, as the SDK holds times. */
export function toHrTime(unixNanos: bigint): SpanHrTime {
  return [Number(unixNanos / NANOS_PER_SECOND), Number(unixNanos % NANOS_PER_SECOND)];
}

/** One resource object per ResourceSpans, shared by its spans (the mapping caches per resource object). */
export function toResource(resource: OtlpResource | undefined, schemaUrl: string): SpanResource {
  return resourceFrom(toSpanAttributes(resource?.attributes ?? []), schemaUrl === '' ? undefined : schemaUrl);
}

function resourceFrom(attributes: SpanAttributes, schemaUrl: string | undefined): SpanResource {
  const resource: SpanResource = {
    attributes,
    asyncAttributesPending: false,
    ...(schemaUrl === undefined ? {} : { schemaUrl }),
    merge: (other) => (other === null ? resource : resourceFrom({ ...attributes, ...other.attributes }, other.schemaUrl ?? schemaUrl)),
    getRawAttributes: () => Object.entries(attributes),
  };
  return resource;
}

/** One scope object per ScopeSpans, shared by its spans. */
export function toScope(scope: OtlpScope | undefined, schemaUrl: string): SpanScope {
  return {
    name: scope?.name ?? '',
    ...(scope === undefined || scope.version === '' ? {} : { version: scope.version }),
    ...(schemaUrl === '' ? {} : { schemaUrl }),
  };
}

export function toReadableSpan(span: OtlpSpan, resource: SpanResource, instrumentationScope: SpanScope): ReadableSpanLike {
  const traceFlags = span.flags & TRACE_FLAGS_MASK;
  const context: SpanContextLike = { traceId: span.traceId, spanId: span.spanId, traceFlags, isRemote: false };
  // OTLP knows whether the parent was remote only when the sender set bit 8; otherwise it is taken as local.
  const parentSpanContext: SpanContextLike | undefined = hasParent(span)
    ? { traceId: span.traceId, spanId: span.parentSpanId, traceFlags, isRemote: isRemote(span.flags) }
    : undefined;
  const duration = span.endTimeUnixNano - span.startTimeUnixNano;
  return {
    name: span.name,
    // The API's SpanKind has no "unspecified": OTLP's enum is the API's plus one.
    kind: span.kind >= 1 && span.kind <= 5 ? span.kind - 1 : 0,
    spanContext: () => context,
    ...(parentSpanContext === undefined ? {} : { parentSpanContext }),
    startTime: toHrTime(span.startTimeUnixNano),
    endTime: toHrTime(span.endTimeUnixNano),
    status: {
      code: span.status.code >= 0 && span.status.code <= 2 ? span.status.code : 0,
      ...(span.status.message === '' ? {} : { message: span.status.message }),
    },
    attributes: toSpanAttributes(span.attributes),
    links: span.links.map(toLink),
    events: span.events.map((event) => ({
      time: toHrTime(event.timeUnixNano),
      name: event.name,
      attributes: toSpanAttributes(event.attributes),
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    duration: toHrTime(duration > 0n ? duration : 0n),
    ended: true,
    resource,
    instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function toLink(link: OtlpSpanLink): SpanLinkLike {
  return {
    context: { traceId: link.traceId, spanId: link.spanId, traceFlags: link.flags & TRACE_FLAGS_MASK, isRemote: isRemote(link.flags) },
    attributes: toSpanAttributes(link.attributes),
    droppedAttributesCount: link.droppedAttributesCount,
  };
}

function isRemote(flags: number): boolean {
  return (flags & HAS_IS_REMOTE) !== 0 && (flags & IS_REMOTE) !== 0;
}
