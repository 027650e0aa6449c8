import { createHash } from 'node:crypto';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { IngestionEvent, ObservationBody } from '../wire/ingestion-event.js';
import { EXCEPTION_EVENT, EXCEPTION_MESSAGE, EXCEPTION_TYPE } from './attribute-names.js';
import { applyMask } from './mask.js';
import type { SpanMappingContext } from './mapping-context.js';
import { toMetadataRecord } from './metadata.js';
import { limitName } from './normalize-length.js';

/** The message of the last recorded `exception` event (`exception.message`, else `exception.type`). */
export function exceptionMessage(events: readonly TimedEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event === undefined || event.name !== EXCEPTION_EVENT) continue;
    const attributes = event.attributes;
    if (attributes === undefined) continue;
    const message = attributes[EXCEPTION_MESSAGE];
    if (typeof message === 'string' && message !== '') return message;
    const type = attributes[EXCEPTION_TYPE];
    if (typeof type === 'string' && type !== '') return type;
  }
  return undefined;
}

/**
 * The observation id of a span's `index`-th event sent: 16 hex digits derived from the span id, like a span id, so
 * both paths give the event the same id (the OTLP path sends it as a span of its own, see delivery/otlp).
 */
export function spanEventId(spanId: string, index: number): string {
  return createHash('sha1').update(`${spanId}-e${index}`).digest('hex').slice(0, 16);
}

/**
 * Each OTel span event except `exception` (and the GenAI message events already mapped into the observation's
 * input/output) as an `event-create` observation under the span, appended to `out`. Ids are
 * {@link spanEventId}(spanId, index among the events sent), so a retried batch repeats them.
 */
export function appendSpanEvents(ctx: SpanMappingContext, out: IngestionEvent[]): void {
  const events = ctx.span.events ?? [];
  const conventions = ctx.conventions;
  let index = 0;
  for (const event of events) {
    if (event.name === EXCEPTION_EVENT) continue;
    if (conventions !== undefined && conventions.isEventConsumed(event)) continue;
    const id = spanEventId(ctx.spanId, index);
    // The envelope id starts with the span's id, as every envelope id of the span does.
    const envelopeId = `${ctx.spanId}-e${index++}-event-create`;
    const body: ObservationBody = {
      id,
      traceId: ctx.traceId,
      parentObservationId: ctx.spanId,
      name: limitName(String(event.name), 'span event name', ctx.note),
      startTime: ctx.format(event.time),
    };
    const attributes = event.attributes;
    if (attributes !== undefined) {
      let metadata: Record<string, unknown> | undefined;
      for (const key in attributes) {
        const value = attributes[key];
        if (value === undefined || key === '__proto__') continue;
        (metadata ??= {})[key] = Array.isArray(value) ? value.slice() : value;
      }
      if (metadata !== undefined) {
        const masked = toMetadataRecord(applyMask(ctx.options.mask, metadata, 'metadata', ctx.note));
        if (masked !== undefined) body.metadata = masked;
      }
    }
    if (ctx.version !== undefined) body.version = ctx.version;
    if (ctx.environment !== undefined) body.environment = ctx.environment;
    out.push({ id: envelopeId, timestamp: ctx.endTime, type: 'event-create', body });
  }
}
