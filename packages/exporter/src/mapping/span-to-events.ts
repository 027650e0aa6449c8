import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { IngestionEvent } from '../wire/ingestion-event.js';
import { AS_ROOT, ENVIRONMENT, VERSION } from './attribute-names.js';
import { booleanValue, stringValue } from './attribute-values.js';
import { ConventionSpan } from './conventions/convention-span.js';
import { hasGenAiEvent } from './conventions/registry.js';
import { errorKind } from './error-kind.js';
import { createHrTimeFormatter } from './hr-time-format.js';
import type { SpanMappingContext } from './mapping-context.js';
import { normalizeEnvironment } from './normalize-environment.js';
import { createNote, type NoteSink } from './notes.js';
import { buildObservationEvent, type ObservationIO } from './observation-event.js';
import { readObservationInput, readObservationName, readObservationOutput } from './observation-fields.js';
import type { MappingOptions } from './options.js';
import { ResourceCache } from './resource-info.js';
import { SpanAttributes } from './span-attributes.js';
import { appendSpanEvents, exceptionMessage } from './span-events.js';
import { buildTraceEvents } from './trace-event.js';
import { traceStartFromState } from './trace-start-state.js';

export interface SpanMapper {
  /** The Langfuse events for one ended span: [trace-create?, trace defaults?, observation, ...span events]. Never throws. */
  map(span: ReadableSpan): IngestionEvent[];
}

/**
 * A mapper owns its caches (last formatted second, per-resource and per-scope lookups); create one per
 * exporter and reuse it for every span.
 */
export function createSpanMapper(options: MappingOptions, onNote?: NoteSink): SpanMapper {
  const note = createNote(onNote);
  const format = createHrTimeFormatter();
  const cache = new ResourceCache(note);
  const defaultEnvironment =
    options.environment === undefined || options.environment === ''
      ? undefined
      : normalizeEnvironment(options.environment, note);

  function mapSpan(span: ReadableSpan): IngestionEvent[] {
    const spanContext = span.spanContext();
    const attributes = new SpanAttributes(span.attributes ?? {});
    const parent = span.parentSpanContext;
    const isRoot = parent === undefined || booleanValue(attributes.get(AS_ROOT)) === true;
    const resource = cache.resource(span.resource);

    const explicitEnvironment = stringValue(attributes.get(ENVIRONMENT), ENVIRONMENT, note);
    const environment =
      explicitEnvironment !== undefined
        ? normalizeEnvironment(explicitEnvironment, note)
        : (resource?.environment ?? defaultEnvironment);

    const scope = cache.scope(span.instrumentationScope);
    const events = span.events ?? [];
    // Only spans with another LLM convention's attributes (or GenAI span events) pay for the convention layer.
    const conventions =
      attributes.hasConventionAttribute || (events.length > 0 && hasGenAiEvent(events))
        ? new ConventionSpan(attributes, span, scope?.name)
        : undefined;

    const ctx: SpanMappingContext = {
      span,
      attributes,
      conventions,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      parentSpanId: isRoot ? undefined : parent?.spanId,
      isRoot,
      hasRemoteParent: !isRoot && parent?.isRemote === true,
      startTime: format(span.startTime),
      traceStartTime: format((isRoot ? undefined : traceStartFromState(spanContext.traceState, span.startTime)) ?? span.startTime),
      endTime: format(span.endTime),
      environment,
      version: stringValue(attributes.get(VERSION), VERSION, note) ?? resource?.version,
      resource,
      scope,
      options,
      format,
      note,
    };

    const io: ObservationIO = {
      name: readObservationName(String(span.name), conventions, note),
      input: readObservationInput(attributes, conventions, options, note),
      output: readObservationOutput(attributes, conventions, options, note),
    };
    const out: IngestionEvent[] = [];
    // Before the observation: reading trace fields marks the alias attributes it used, which the
    // observation's metadata then leaves out.
    out.push(...buildTraceEvents(ctx, io));
    out.push(buildObservationEvent(ctx, io, exceptionMessage(events)));
    appendSpanEvents(ctx, out);
    return out;
  }

  return {
    map(span) {
      try {
        return mapSpan(span);
      } catch (error) {
        note('span-mapping-failed', `a span could not be mapped (${errorKind(error)}); it was dropped`);
        return [];
      }
    },
  };
}
