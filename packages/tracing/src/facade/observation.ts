import { context as contextApi, INVALID_SPAN_CONTEXT, isSpanContextValid, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Span, type TimeInput } from '@opentelemetry/api';
import { AS_ROOT, OBSERVATION_LEVEL, OBSERVATION_STATUS_MESSAGE, OBSERVATION_TYPE } from '../attribute-names.js';
import { describeCaught, log } from '../logger.js';
import { safeRead, stringField } from '../values/safe-read.js';
import { OBSERVATION_KEY } from './context-keys.js';
import { describeError } from './describe-error.js';
import { facadeConfig, type FacadeConfig } from './facade-config.js';
import { addIoAttributes, addObservationAttributes } from './observation-attributes.js';
import { ObservationContext } from './observation-context.js';
import { observationType } from './observation-type.js';
import type { OpenObservation } from './open-observation.js';
import { propagatedScopeOf } from './propagate-attributes.js';
import { readStartFields, readTraceFields } from './read-fields.js';
import { resolveParent } from './resolve-parent.js';
import { runObservation } from './run-observation.js';
import { sendTargetedScore, type ScoreOptions } from './score.js';
import { timeInput } from './time-input.js';
import { TraceScope } from './trace-scope.js';
import { updateTraceOf } from './update-trace.js';
import type {
  EventOptions,
  GenerationOptions,
  ObservationHandle,
  ObservationOptions,
  ObservationType,
  ObservationUpdate,
  SpanOptions,
  TraceFields,
} from './types.js';

/**
 * One observation: an OTel span plus the context in which it is active. A non-recording observation (tracing
 * off, sampled out) skips every attribute computation but still carries its span context, so children and
 * outgoing calls keep the sampling decision.
 */
export class Observation implements ObservationHandle, OpenObservation {
  readonly context: Context;
  private ended = false;

  constructor(
    readonly otelSpan: Span,
    readonly type: ObservationType,
    parentContext: Context,
    readonly scope: TraceScope | undefined,
    private readonly recording: boolean,
    readonly config: FacadeConfig | undefined,
    /** A stand-in that does nothing at all: tracing is off or no provider is set up. */
    readonly isNoop = false,
  ) {
    this.context = isNoop ? parentContext : ObservationContext.of(parentContext, otelSpan, this);
  }

  get id(): string {
    return this.isNoop ? '' : this.otelSpan.spanContext().spanId;
  }

  get traceId(): string {
    return this.isNoop ? '' : this.otelSpan.spanContext().traceId;
  }

  get isRecording(): boolean {
    return this.recording && !this.ended && this.otelSpan.isRecording();
  }

  writeAttributes(attributes: Attributes): void {
    if (!this.isRecording) return;
    try {
      this.otelSpan.setAttributes(attributes);
    } catch (error) {
      log.once('warn', 'set-attributes-failed', `could not set span attributes: ${describeCaught(error)}`);
    }
  }

  update(fields: ObservationUpdate): this {
    if (!this.isRecording) return this;
    const attributes: Attributes = {};
    addObservationAttributes(attributes, fields, this.config?.mask);
    this.writeAttributes(attributes);
    return this;
  }

  updateTrace(fields: TraceFields): this {
    updateTraceOf(this, fields);
    return this;
  }

  score(options: ScoreOptions): this {
    // Not recording: tracing is off or sampling dropped the trace, so the score would point at nothing.
    if (this.isRecording) sendTargetedScore(options, { traceId: this.traceId, observationId: this.id }, this.config);
    return this;
  }

  /** Marks the observation failed: status ERROR, level ERROR, status message and an `exception` event. */
  fail(error: unknown): void {
    if (!this.isRecording) return;
    const info = describeError(error);
    try {
      this.otelSpan.recordException({ name: info.type, message: info.message, stack: info.stack });
      this.otelSpan.setStatus({ code: SpanStatusCode.ERROR, message: info.message });
    } catch {
      // A broken span implementation: the level below still says it.
    }
    this.writeAttributes({ [OBSERVATION_LEVEL]: 'ERROR', [OBSERVATION_STATUS_MESSAGE]: info.message });
  }

  end(fields?: ObservationUpdate, endTime?: TimeInput): void {
    if (this.ended) return;
    if (fields !== undefined) this.update(fields);
    this.ended = true;
    if (this.isNoop) return;
    try {
      this.otelSpan.end(endTime);
    } catch (error) {
      log.once('warn', 'span-end-failed', `could not end a span: ${describeCaught(error)}`);
    }
  }

  span<T>(options: SpanOptions, fn: (span: ObservationHandle) => T): T {
    const child = this.startChild('span', options);
    return runObservation(child, child, fn);
  }

  generation<T>(options: GenerationOptions, fn: (generation: ObservationHandle) => T): T {
    const child = this.startChild('generation', options);
    return runObservation(child, child, fn);
  }

  observation<T>(options: ObservationOptions, fn: (observation: ObservationHandle) => T): T {
    const child = this.startChild(undefined, options);
    return runObservation(child, child, fn);
  }

  event(options: EventOptions): void {
    const child = this.startChild('event', options);
    child.end(undefined, timeInput(safeRead(options, 'startTime')));
  }

  startSpan(options: SpanOptions): ObservationHandle {
    return this.startChild('span', options);
  }

  startGeneration(options: GenerationOptions): ObservationHandle {
    return this.startChild('generation', options);
  }

  startObservation(options: ObservationOptions): ObservationHandle {
    return this.startChild(undefined, options);
  }

  run<T>(fn: () => T): T {
    if (typeof fn !== 'function') {
      log.once('warn', 'run-not-a-function', 'run() needs a function; nothing was run');
      return undefined as T;
    }
    return this.isNoop ? fn() : contextApi.with(this.context, fn);
  }

  private startChild(type: ObservationType | undefined, options: unknown): Observation {
    return startObservation({ type, options, parent: this, trace: false });
  }
}

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
    const base = request.parent !== undefined && !request.parent.isNoop ? request.parent.context : contextApi.active();
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
    // Trace fields of this trace win over those of an enclosing propagateAttributes scope.
    const outer = propagatedScopeOf(base);
    const attributes: Attributes =
      outer === undefined
        ? Object.assign({}, scope.propagated)
        : Object.assign({}, outer.attributes, type === 'generation' ? outer.generationAttributes : undefined, scope.propagated);
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
