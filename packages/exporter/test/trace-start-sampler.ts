import { trace, type Context, type HrTime } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { AlwaysOnSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { TRACE_STATE_KEY, traceStateValue } from '../src/mapping/trace-start-state.js';

/**
 * A sampler that does what @otel-langfuse/tracing's processor does for a trace it starts: the root writes its start
 * (`rootStartMs`) into `tracestate`, which its children inherit; a continued trace keeps the caller's.
 */
export function startInTraceState(rootStartMs: number): Sampler {
  return {
    shouldSample(parent: Context): SamplingResult {
      const traceState = trace.getSpanContext(parent)?.traceState ?? new TraceState().set(TRACE_STATE_KEY, traceStateValue(rootStartMs));
      return { ...new AlwaysOnSampler().shouldSample(), traceState };
    },
    toString: () => 'StartInTraceState',
  };
}

/** `offsetMs` after `baseMs`, as an OTel time. */
export function hrTimeAt(baseMs: number, offsetMs: number): HrTime {
  const ms = baseMs + offsetMs;
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}
