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
 * Each OTel span event except `exception` (and the GenAI message events already mapped into the observation's
 * input/output) as an `event-create` observation under the span, appended to `out`. Ids are `<spanId>-e<index>`
 * (index among the events sent), so a retried batch repeats them.
 */
export function appendSpanEvents(ctx: SpanMappingContext, out: IngestionEvent[]): void {
  const events = ctx.span.events ?? [];
  const conventions = ctx.conventions;
  let index = 0;
  for (const event of events) {
    if (event.name === EXCEPTION_EVENT) continue;
    if (conventions !== undefined && conventions.isEventConsumed(event)) continue;
    const id = `${ctx.spanId}-e${index++}`;
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
    out.push({ id: `${id}-event-create`, timestamp: ctx.endTime, type: 'event-create', body });
  }
}
