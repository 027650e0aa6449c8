import type { TraceBody, TraceCreateEvent } from '../wire/ingestion-event.js';
import type { SpanMappingContext } from './mapping-context.js';
import type { ObservationIO } from './observation-event.js';
import {
  readPublic,
  readRelease,
  readSessionId,
  readTags,
  readTraceInput,
  readTraceMetadata,
  readTraceName,
  readTraceOutput,
  readUserId,
} from './trace-fields.js';

function set<K extends keyof TraceBody>(body: TraceBody, key: K, value: TraceBody[K] | undefined): void {
  if (value !== undefined) body[key] = value;
}

/** Envelope-id suffix of the trace-create that carries a root's fallback values (see {@link buildTraceEvents}). */
export const TRACE_DEFAULTS_SUFFIX = '-trace-defaults';

export function isTraceDefaults(event: TraceCreateEvent): boolean {
  return event.id.endsWith(TRACE_DEFAULTS_SUFFIX);
}

/**
 * The span's trace-creates, if it has any to send. Unknown fields are left out, never nulled, so the server's
 * merge keeps what other spans said.
 * - a trace root: the full trace, timestamp = span start;
 * - a local root under a remote parent: `{id, timestamp, environment}` plus any trace attributes it carries;
 * - any other span with trace-level attributes: only those fields (and the environment and timestamp).
 * The server freezes a trace's timestamp from the first trace-create it processes, which may come from a child in
 * an earlier batch: so every trace-create carries the best start known, {@link SpanMappingContext.traceStartTime}.
 * A root's fallback values (name = the observation name, I/O = the root observation's, the exporter's default release) go in
 * a second event stamped with the span's *start*: the server merges by envelope timestamp, so a value another span
 * set explicitly, which is stamped with that span's end, wins over a fallback.
 */
export function buildTraceEvents(ctx: SpanMappingContext, io: ObservationIO): TraceCreateEvent[] {
  const { attributes, note, options, isRoot } = ctx;
  const hasTraceAttribute = attributes.hasTraceAttribute;
  if (!isRoot && !ctx.hasRemoteParent && !hasTraceAttribute) return [];

  // A local root under a remote parent is a root for this process: it starts the trace's part here.
  const isLocalRoot = isRoot || ctx.hasRemoteParent;
  const body: TraceBody = { id: ctx.traceId };
  if (hasTraceAttribute || isLocalRoot) {
    set(body, 'name', readTraceName(attributes, note));
    set(body, 'userId', readUserId(attributes, note));
    set(body, 'sessionId', readSessionId(attributes, isLocalRoot, note));
  }
  if (hasTraceAttribute) {
    set(body, 'tags', readTags(attributes, note));
    set(body, 'public', readPublic(attributes, note));
    set(body, 'metadata', readTraceMetadata(attributes, options, note));
    set(body, 'input', readTraceInput(attributes, options, note));
    set(body, 'output', readTraceOutput(attributes, options, note));
    set(body, 'release', readRelease(attributes, note));
  }
  if (isRoot) {
    set(body, 'version', ctx.version);
  } else if (!ctx.hasRemoteParent && Object.keys(body).length === 1) {
    // Every trace attribute of this span normalized away: nothing to say about the trace.
    return [];
  }
  body.timestamp = isRoot ? ctx.startTime : ctx.traceStartTime;
  set(body, 'environment', ctx.environment);
  const events: TraceCreateEvent[] = [{ id: `${ctx.traceId}-${ctx.spanId}-trace`, timestamp: ctx.endTime, type: 'trace-create', body }];

  if (isRoot) {
    const defaults: TraceBody = { id: ctx.traceId };
    if (body.name === undefined) defaults.name = io.name;
    if (body.input === undefined) set(defaults, 'input', io.input);
    if (body.output === undefined) set(defaults, 'output', io.output);
    if (body.release === undefined) set(defaults, 'release', options.release);
    if (Object.keys(defaults).length > 1) {
      events.push({ id: `${ctx.traceId}-${ctx.spanId}${TRACE_DEFAULTS_SUFFIX}`, timestamp: ctx.startTime, type: 'trace-create', body: defaults });
    }
  }
  return events;
}
