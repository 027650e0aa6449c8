import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ENVIRONMENT,
  EXCEPTION_EVENT,
  OBSERVATION_METADATA_PREFIX,
  OBSERVATION_TYPE,
  RELEASE,
  RESOURCE_SERVICE_VERSION,
  VERSION,
} from '../../mapping/attribute-names.js';
import { isGenAiMessageEvent } from '../../mapping/conventions/genai.js';
import { spanEventId } from '../../mapping/span-events.js';

const ZERO: HrTime = [0, 0];
/** Spans of their own need a resource and a scope; empty ones add nothing to the observation's metadata. */
const RESOURCE: ReadableSpan['resource'] = {
  attributes: {},
  asyncAttributesPending: false,
  merge: (other) => other ?? RESOURCE,
  getRawAttributes: () => [],
};
const SCOPE = { name: '' };

/**
 * The server makes one observation per OTLP span and none of span events, which the legacy path sends as `event`
 * observations under their span. So each such event (not an `exception`, not a GenAI message the mapping reads as
 * input/output) travels as a zero-length span of its own: type `event`, the span as parent, the event's time, its
 * attributes as metadata, the same observation id as on the legacy path, and the span's environment, release and
 * version.
 */
export function spanEventSpans(span: ReadableSpan): ReadableSpan[] {
  const events = span.events ?? [];
  if (events.length === 0) return [];
  const parent = span.spanContext();
  const inherited: Attributes = {};
  const environment = span.attributes[ENVIRONMENT];
  if (environment !== undefined) inherited[ENVIRONMENT] = environment;
  const release = span.attributes[RELEASE];
  if (release !== undefined) inherited[RELEASE] = release;
  const version = span.attributes[VERSION] ?? span.resource?.attributes[RESOURCE_SERVICE_VERSION];
  if (version !== undefined) inherited[VERSION] = version;
  const out: ReadableSpan[] = [];
  let index = 0;
  for (const event of events) {
    if (event.name === EXCEPTION_EVENT || isGenAiMessageEvent(event.name)) continue;
    const attributes: Attributes = { ...inherited, [OBSERVATION_TYPE]: 'event' };
    for (const [key, value] of Object.entries(event.attributes ?? {})) {
      if (value !== undefined && key !== '__proto__') attributes[`${OBSERVATION_METADATA_PREFIX}${key}`] = value;
    }
    const context = { traceId: parent.traceId, spanId: spanEventId(parent.spanId, index++), traceFlags: parent.traceFlags };
    out.push({
      name: event.name,
      kind: SpanKind.INTERNAL,
      spanContext: () => context,
      parentSpanContext: parent,
      startTime: event.time,
      endTime: event.time,
      status: { code: SpanStatusCode.UNSET },
      attributes,
      links: [],
      events: [],
      duration: ZERO,
      ended: true,
      resource: RESOURCE,
      instrumentationScope: SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    });
  }
  return out;
}
