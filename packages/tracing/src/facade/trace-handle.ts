import type { Span, TimeInput } from '@opentelemetry/api';
import { log } from '../logger.js';
import { stringField } from '../values/safe-read.js';
import type { Observation } from './observation.js';
import { sendTargetedScore, type ScoreOptions } from './score.js';
import { addIoAttributes } from './observation-attributes.js';
import { readTraceFields } from './read-fields.js';
import type {
  EventOptions,
  GenerationOptions,
  ObservationHandle,
  ObservationOptions,
  SpanOptions,
  TraceFields,
  TraceHandle,
} from './types.js';

/** The handle `trace()` passes to its callback: the root observation seen as the trace. */
export class TraceHandleImpl implements TraceHandle {
  constructor(readonly rootObservation: Observation) {}

  get id(): string {
    return this.rootObservation.traceId;
  }

  get isRecording(): boolean {
    return this.rootObservation.isRecording;
  }

  get otelSpan(): Span {
    return this.rootObservation.otelSpan;
  }

  /** As if the fields had been given to `trace()`: the name and I/O are the root observation's. */
  update(fields: TraceFields): this {
    const root = this.rootObservation;
    const scope = root.scope;
    if (!root.isRecording || scope === undefined) {
      if (scope !== undefined) log.once('warn', 'trace-handle-ended', 'a trace handle was updated after its trace ended; ignored');
      return this;
    }
    const values = readTraceFields(fields);
    const traceUpdate = scope.apply(values, root.config?.mask, false);
    if (scope.root !== root) scope.root?.writeAttributes(traceUpdate);
    addIoAttributes(traceUpdate, values.input, values.output, root.config?.mask);
    root.writeAttributes(traceUpdate);
    const name = stringField(values.name);
    if (name !== undefined) {
      try {
        root.otelSpan.updateName(name);
      } catch {
        // the name stays as it was
      }
    }
    return this;
  }

  /** Scores the whole trace. */
  score(options: ScoreOptions): this {
    if (this.isRecording) sendTargetedScore(options, { traceId: this.id }, this.rootObservation.config);
    return this;
  }

  end(fields?: TraceFields, endTime?: TimeInput): void {
    if (fields !== undefined) this.update(fields);
    this.rootObservation.end(undefined, endTime);
  }

  span<T>(options: SpanOptions, fn: (span: ObservationHandle) => T): T {
    return this.rootObservation.span(options, fn);
  }

  generation<T>(options: GenerationOptions, fn: (generation: ObservationHandle) => T): T {
    return this.rootObservation.generation(options, fn);
  }

  observation<T>(options: ObservationOptions, fn: (observation: ObservationHandle) => T): T {
    return this.rootObservation.observation(options, fn);
  }

  event(options: EventOptions): void {
    this.rootObservation.event(options);
  }

  startSpan(options: SpanOptions): ObservationHandle {
    return this.rootObservation.startSpan(options);
  }

  startGeneration(options: GenerationOptions): ObservationHandle {
    return this.rootObservation.startGeneration(options);
  }

  startObservation(options: ObservationOptions): ObservationHandle {
    return this.rootObservation.startObservation(options);
  }

  run<T>(fn: () => T): T {
    return this.rootObservation.run(fn);
  }
}
