import { context as contextApi, SpanStatusCode, type Attributes, type Context, type Span, type TimeInput } from '@opentelemetry/api';
import { OBSERVATION_LEVEL, OBSERVATION_STATUS_MESSAGE } from '../attribute-names.js';
import { describeCaught, log } from '../logger.js';
import { safeRead } from '../values/safe-read.js';
import { describeError } from './describe-error.js';
import type { FacadeConfig } from './facade-config.js';
import { addObservationAttributes } from './observation-attributes.js';
import { ObservationContext } from './observation-context.js';
import { runObservation } from './run-observation.js';
import { startObservation } from './start-observation.js';
import type { TraceScope } from './trace-scope.js';
import { timeInput } from './time-input.js';
import { updateTraceOf } from './update-trace.js';
import { sendTargetedScore, type ScoreOptions } from './score.js';
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
export class Observation implements ObservationHandle {
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

