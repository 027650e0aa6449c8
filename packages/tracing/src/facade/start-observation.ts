import { context, INVALID_SPAN_CONTEXT, isSpanContextValid, ROOT_CONTEXT, trace, type Attributes, type Span } from '@opentelemetry/api';
import { AS_ROOT, OBSERVATION_TYPE } from '../attribute-names.js';
import { describeCaught, log } from '../logger.js';
import { safeRead, stringField } from '../values/safe-read.js';
import { OBSERVATION_KEY } from './context-keys.js';
import { facadeConfig } from './facade-config.js';
import { Observation } from './observation.js';
import { addIoAttributes, addObservationAttributes } from './observation-attributes.js';
import { readStartFields, readTraceFields } from './read-fields.js';
import { resolveParent } from './resolve-parent.js';
import { timeInput } from './time-input.js';
import { TraceScope } from './trace-scope.js';
import type { ObservationType } from './types.js';
import { OBSERVATION_TYPES } from '@otel-langfuse/exporter/mapping';

export interface StartRequest {
  /** Undefined: `options.type`, defaulting to `span`. */
  type: ObservationType | undefined;
  /** The user's options object, read defensively. */
  options: unknown;
  /** Undefined: below whatever is active. */
  parent: Observation | undefined;
  /** A `trace()` root: `options` holds trace fields. */
  trace: boolean;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(OBSERVATION_TYPES);

let noop: Observation | undefined;

/** The shared do-nothing observation: tracing is off. */
export function noopObservation(): Observation {
  noop ??= new Observation(trace.wrapSpanContext(INVALID_SPAN_CONTEXT), 'span', ROOT_CONTEXT, undefined, false, undefined, true);
  return noop;
}

/** Starts an observation; never throws (a failure yields the no-op observation and one diagnostic). */
export function startObservation(request: StartRequest): Observation {
  let span: Span | undefined;
  try {
    const base = request.parent !== undefined && !request.parent.isNoop ? request.parent.context : context.active();
    // A child traces like its parent, also after the parent's setup shut down or was replaced: its spans
    // must not land, unmasked and orphaned, in whatever provider is global now.
    const config = (base.getValue(OBSERVATION_KEY) as Observation | undefined)?.config ?? facadeConfig();
    const tracer = config.tracer;
    if (tracer === undefined) return noopObservation();
    const { options } = request;
    const type = request.type ?? observationType(safeRead(options, 'type'));
    const parent = resolveParent(base, config);
    // Each field is read once: a trace root's name is one of its trace fields.
    const traceFields = request.trace ? readTraceFields(options) : undefined;
    const start = traceFields === undefined ? readStartFields(options) : { name: traceFields.name, startTime: safeRead(options, 'startTime') };
    const startTime = timeInput(start.startTime);
    const name = stringField(start.name) ?? type;
    span = tracer.startSpan(name, startTime === undefined ? {} : { startTime }, parent.context);

    if (!span.isRecording()) {
      if (isSpanContextValid(span.spanContext())) return new Observation(span, type, parent.context, parent.scope, false, config);
      if (config.usesGlobalApi) {
        log.once('warn', 'no-provider', 'langfuse tracing is not set up (no setupLangfuse() and no global TracerProvider): code runs without tracing');
      }
      return noopObservation();
    }

    const scope = parent.scope ?? new TraceScope(span.spanContext().traceId);
    const observation = new Observation(span, type, parent.context, scope, true, config);
    if (parent.scope === undefined) scope.root = observation;
    // Not a spread: see TraceScope.apply.
    const attributes: Attributes = Object.assign({}, scope.propagated);
    attributes[OBSERVATION_TYPE] = type;
    if (parent.asRoot) attributes[AS_ROOT] = 'true';
    if (traceFields !== undefined) {
      // The name is the span's; input and output are the root observation's, which a trace root passes on to
      // the trace (and which, inside a caller's trace, stay this service's own).
      const traceUpdate = scope.apply(traceFields, config.mask, false);
      Object.assign(attributes, traceUpdate);
      if (parent.scope !== undefined) scope.root?.writeAttributes(traceUpdate);
      addIoAttributes(attributes, traceFields.input, traceFields.output, config.mask);
    } else {
      addObservationAttributes(attributes, options, config.mask);
    }
    observation.writeAttributes(attributes);
    return observation;
  } catch (error) {
    log.once('error', 'start-failed', `could not start an observation (running without it): ${describeCaught(error)}`);
    try {
      span?.end();
    } catch {
      // nothing more to do
    }
    return noopObservation();
  }
}

function observationType(value: unknown): ObservationType {
  if (value === undefined) return 'span';
  const type = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (KNOWN_TYPES.has(type)) return type as ObservationType;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 30)) : `(a ${typeof value})`;
  log.once('warn', 'observation-type-invalid', `unknown observation type ${shown}; using span`);
  return 'span';
}
