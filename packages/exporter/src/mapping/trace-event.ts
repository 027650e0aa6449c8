import type { TraceBody, TraceCreateEvent } from '../ingestion-event.js';
import type { SpanMappingContext } from './mapping-context.js';
import { limitName } from './normalize-length.js';
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

/**
 * The span's `trace-create`, if it has one to send:
 * - a trace root: the full trace (name falls back to the span name, I/O to the root observation's, release to
 *   the exporter's default, version to the resolved one), timestamp = span start;
 * - a local root under a remote parent: `{id, timestamp, environment}` plus any trace attributes it carries;
 * - any other span with trace-level attributes: only those fields (and the environment), no timestamp.
 * Unknown fields are left out, never nulled, so the server's merge keeps what other spans said.
 */
export function buildTraceEvent(ctx: SpanMappingContext, io: ObservationIO): TraceCreateEvent | undefined {
  const { attributes, note, options, isRoot } = ctx;
  const hasTraceAttribute = attributes.hasTraceAttribute;
  if (!isRoot && !ctx.hasRemoteParent && !hasTraceAttribute) return undefined;

  // A local root under a remote parent is a root for this process: it starts the trace's part here.
  const isLocalRoot = isRoot || ctx.hasRemoteParent;
  const body: TraceBody = { id: ctx.traceId };
  if (isLocalRoot) body.timestamp = ctx.startTime;
  if (hasTraceAttribute || isLocalRoot) {
    set(body, 'name', readTraceName(attributes, note));
    if (isRoot && body.name === undefined) body.name = limitName(String(ctx.span.name), 'trace name', note);
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
    if (body.input === undefined) set(body, 'input', io.input);
    if (body.output === undefined) set(body, 'output', io.output);
    if (body.release === undefined) set(body, 'release', options.release);
    set(body, 'version', ctx.version);
  } else if (!ctx.hasRemoteParent && Object.keys(body).length === 1) {
    // Every trace attribute of this span normalized away: nothing to say about the trace.
    return undefined;
  }
  set(body, 'environment', ctx.environment);
  return { id: `${ctx.traceId}-${ctx.spanId}-trace`, timestamp: ctx.endTime, type: 'trace-create', body };
}
