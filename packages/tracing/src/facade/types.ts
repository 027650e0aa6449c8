import type { ScoreOptions } from './score.js';
import type { Span, TimeInput } from '@opentelemetry/api';
import type { ObservationLevel, ObservationType } from '@otel-langfuse/exporter';

export type { ObservationLevel, ObservationType };

/** Fields of the whole trace. Settable when the trace starts, on its handle, and from anywhere inside it. */
export interface TraceFields {
  /** Trace name. In `trace()` it is also the root observation's name. */
  name?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  /** Trace metadata; merged key by key with what was set before. */
  metadata?: Record<string, unknown>;
  input?: unknown;
  output?: unknown;
  release?: string;
  version?: string;
  environment?: string;
  /** Makes the trace viewable by anyone with its link. */
  public?: boolean;
}

/** Options of `langfuse.trace()` / `startTrace()`. */
export interface TraceOptions extends TraceFields {
  name: string;
  /** Start time (default: now). */
  startTime?: TimeInput;
}

/** Fields every observation type has. */
export interface ObservationFields {
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  level?: ObservationLevel;
  statusMessage?: string;
  version?: string;
  environment?: string;
}

/** Token counts; `input`, `output` and `total` plus any other keys (e.g. `input_cached_tokens`). */
export interface UsageDetails {
  input?: number;
  output?: number;
  total?: number;
  [key: string]: number | undefined;
}

/** Cost in USD, with the same keys as the usage. */
export type CostDetails = UsageDetails;

/** Fields of generation-like observations (generation, agent, tool, chain, retriever, evaluator, embedding, guardrail). */
export interface GenerationFields extends ObservationFields {
  model?: string;
  modelParameters?: Record<string, string | number | boolean | null | undefined | string[]>;
  usage?: UsageDetails;
  cost?: CostDetails;
  /** Time the first token arrived. */
  completionStartTime?: Date | number | string;
  /** The Langfuse prompt this generation used. */
  prompt?: { name: string; version: number };
}

/** Any observation's update: generation fields are ignored (by the exporter) on `span` and `event`. */
export type ObservationUpdate = GenerationFields;

export interface SpanOptions extends ObservationFields {
  name: string;
  startTime?: TimeInput;
}

export interface GenerationOptions extends GenerationFields {
  name: string;
  startTime?: TimeInput;
}

export interface EventOptions extends ObservationFields {
  name: string;
  /** Time of the event (default: now). */
  startTime?: TimeInput;
}

/** An observation of any type; `type` defaults to `span`. */
export interface ObservationOptions extends GenerationFields {
  name: string;
  type?: ObservationType;
  startTime?: TimeInput;
}

/** What every handle can start below itself. Children started here are children of this handle's observation. */
export interface ObservationParent {
  /** Runs `fn` in a child span; ends it when `fn` returns, resolves, throws or rejects; returns what `fn` returns. */
  span<T>(options: SpanOptions, fn: (span: ObservationHandle) => T): T;
  generation<T>(options: GenerationOptions, fn: (generation: ObservationHandle) => T): T;
  /** A child of any type (`agent`, `tool`, `chain`, `retriever`, `evaluator`, `embedding`, `guardrail`, ...). */
  observation<T>(options: ObservationOptions, fn: (observation: ObservationHandle) => T): T;
  /** Records a point-in-time child event. */
  event(options: EventOptions): void;
  /** Starts a child that stays open until its `end()`; it is not made active (see `run`). */
  startSpan(options: SpanOptions): ObservationHandle;
  startGeneration(options: GenerationOptions): ObservationHandle;
  startObservation(options: ObservationOptions): ObservationHandle;
  /** Runs `fn` with this observation active, so `langfuse.*` calls and other instrumentation nest below it. */
  run<T>(fn: () => T): T;
}

export interface ObservationHandle extends ObservationParent {
  /** Observation id (the span id); empty when tracing is off. */
  readonly id: string;
  /** Trace id (32 hex); empty when tracing is off. */
  readonly traceId: string;
  readonly type: ObservationType;
  /** False when tracing is off, the trace was sampled out, or the observation has ended. */
  readonly isRecording: boolean;
  /** The underlying OpenTelemetry span. */
  readonly otelSpan: Span;
  update(fields: ObservationUpdate): this;
  /** Updates the trace this observation belongs to (same as `langfuse.updateTrace` from inside it). */
  updateTrace(fields: TraceFields): this;
  /** Scores this observation (sent with its trace id); dropped when the trace is not recorded. */
  score(options: ScoreOptions): this;
  /** Ends the observation (idempotent); callback-based observations end on their own. */
  end(fields?: ObservationUpdate, endTime?: TimeInput): void;
}

export interface TraceHandle extends ObservationParent {
  /** Trace id (32 hex); empty when tracing is off. */
  readonly id: string;
  /** The root observation that carries the trace: its level, status message, output, ... */
  readonly rootObservation: ObservationHandle;
  readonly isRecording: boolean;
  readonly otelSpan: Span;
  /** Updates trace fields (`name`, `input`, `output` are the trace's own, not the root observation's). */
  update(fields: TraceFields): this;
  /** Ends the root observation (idempotent); `trace()` ends it on its own. */
  /** Scores the whole trace; dropped when the trace is not recorded. */
  score(options: ScoreOptions): this;
  end(fields?: TraceFields, endTime?: TimeInput): void;
}
