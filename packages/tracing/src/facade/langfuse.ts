import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { log } from '../logger.js';
import { safeRead } from '../values/safe-read.js';
import { OBSERVATION_KEY } from './context-keys.js';
import { tracingIsOn } from './facade-config.js';
import { observe } from './observe.js';
import { runObservation } from './run-observation.js';
import { noopObservation, startObservation, type Observation } from './observation.js';
import { timeInput } from './time-input.js';
import { TraceHandleImpl } from './trace-handle.js';
import type {
  EventOptions,
  GenerationOptions,
  ObservationHandle,
  ObservationOptions,
  ObservationType,
  ObservationUpdate,
  SpanOptions,
  TraceFields,
  TraceHandle,
  TraceOptions,
} from './types.js';
import { updateTraceOf } from './update-trace.js';
import { sendScore } from './score.js';
import type { LangfuseScore } from '@otel-langfuse/exporter';

/** The facade. Every method runs the user's code unchanged when tracing is off, and never throws its own errors. */
export interface Langfuse {
  /**
   * Runs `fn` in a new trace (or, inside a caller's continued trace, in this service's part of it) and returns
   * what `fn` returns. The root observation ends when `fn` returns, resolves, throws or rejects.
   */
  trace<T>(options: TraceOptions, fn: (trace: TraceHandle) => T): T;
  /** A trace that stays open until its handle's `end()`. */
  startTrace(options: TraceOptions): TraceHandle;
  /** A span below the active observation (or a new trace when there is none). */
  span<T>(options: SpanOptions, fn: (span: ObservationHandle) => T): T;
  generation<T>(options: GenerationOptions, fn: (generation: ObservationHandle) => T): T;
  observation<T>(options: ObservationOptions, fn: (observation: ObservationHandle) => T): T;
  event(options: EventOptions): void;
  startSpan(options: SpanOptions): ObservationHandle;
  startGeneration(options: GenerationOptions): ObservationHandle;
  startObservation(options: ObservationOptions): ObservationHandle;
  /** Updates the active trace from anywhere inside it (name, input and output become the trace's own). */
  updateTrace(fields: TraceFields): void;
  /** Updates the active observation. */
  updateObservation(fields: ObservationUpdate): void;
  /** The facade's observation active here, if any. */
  currentObservation(): ObservationHandle | undefined;
  /** The active OpenTelemetry trace id (ours, a caller's or another instrumentation's), if any. */
  currentTraceId(): string | undefined;
  /**
   * Scores a trace (`traceId`), an observation (`observationId` with its `traceId`) or a session (`sessionId`).
   * Queued and sent in batches by the active setup; dropped when sampling dropped the trace. Never throws.
   */
  score(score: LangfuseScore): void;
  observe: typeof observe;
}

let noopTrace: TraceHandleImpl | undefined;

function traceHandle(root: Observation): TraceHandleImpl {
  if (root.isNoop) return (noopTrace ??= new TraceHandleImpl(noopObservation()));
  return new TraceHandleImpl(root);
}

function activeObservation(): Observation | undefined {
  try {
    return context.active().getValue(OBSERVATION_KEY) as Observation | undefined;
  } catch {
    return undefined;
  }
}

function start(type: ObservationType | undefined, options: unknown): Observation {
  return startObservation({ type, options, parent: undefined, trace: false });
}

function run<T>(type: ObservationType | undefined, options: unknown, fn: (handle: ObservationHandle) => T): T {
  const observation = start(type, options);
  return runObservation(observation, observation, fn);
}

export const langfuse: Langfuse = {
  trace(options, fn) {
    const root = startObservation({ type: 'span', options, parent: undefined, trace: true });
    return runObservation(root, traceHandle(root), fn);
  },
  startTrace(options) {
    return traceHandle(startObservation({ type: 'span', options, parent: undefined, trace: true }));
  },
  span: (options, fn) => run('span', options, fn),
  generation: (options, fn) => run('generation', options, fn),
  observation: (options, fn) => run(undefined, options, fn),
  event(options) {
    start('event', options).end(undefined, timeInput(safeRead(options, 'startTime')));
  },
  startSpan: (options) => start('span', options),
  startGeneration: (options) => start('generation', options),
  startObservation: (options) => start(undefined, options),
  updateTrace(fields) {
    updateTraceOf(activeObservation(), fields);
  },
  updateObservation(fields) {
    const observation = activeObservation();
    if (observation === undefined) {
      if (!tracingIsOn()) return;
      log.once('warn', 'update-observation-outside', 'updateObservation() was called outside of an observation; ignored');
      return;
    }
    observation.update(fields);
  },
  currentObservation: () => activeObservation(),
  currentTraceId() {
    try {
      const spanContext = trace.getSpanContext(context.active());
      return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
    } catch {
      return undefined;
    }
  },
  score: sendScore,
  observe,
};
