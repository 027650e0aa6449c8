import { isSpanContextValid, ROOT_CONTEXT, TraceFlags, trace, type Context } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { GIVEN_TRACE_ID_KEY, OBSERVATION_KEY } from '../facade/context-keys.js';
import type { SpanOwnership } from '../facade/facade-config.js';

interface ObservationInContext {
  readonly traceId: string;
}

/**
 * Parent-based where the parent speaks for this trace: a remote caller, or a span of ours. Another vendor's
 * local span (isolated mode: Sentry's, Datadog's) does not: under it, as for a root, `sampleRate` decides by
 * trace id (always on without one), so their sampling neither drops nor keeps our traces.
 */
export class LangfuseSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler | undefined;

  /** `ownership()`: undefined when every local span is ours (the provider is registered globally). */
  constructor(
    sampleRate: number | undefined,
    private readonly ownership: () => SpanOwnership | undefined,
  ) {
    this.ratio = sampleRate === undefined ? undefined : new TraceIdRatioBasedSampler(sampleRate);
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const parent = trace.getSpan(context);
    const parentContext = parent?.spanContext();
    // withTraceId's placeholder parent only carries the id: a trace this service starts, decided as a root (scores of it too).
    const givenTraceId = parentContext !== undefined && context.getValue(GIVEN_TRACE_ID_KEY) === parentContext;
    if (parent !== undefined && parentContext !== undefined && isSpanContextValid(parentContext) && !givenTraceId) {
      const ownership = this.ownership();
      // Our unsampled spans are non-recording and unknown to the tracker; they are the facade's observation's (or below it, in its trace).
      const ours =
        ownership === undefined || ownership.owns(parent) || (context.getValue(OBSERVATION_KEY) as ObservationInContext | undefined)?.traceId === parentContext.traceId;
      if (parentContext.isRemote === true || ours) {
        return { decision: (parentContext.traceFlags & TraceFlags.SAMPLED) !== 0 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
      }
    }
    return { decision: this.keepsTrace(traceId) ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  /** The decision for a trace this service starts: a pure function of the trace id. */
  keepsTrace(traceId: string): boolean {
    return this.ratio === undefined || this.ratio.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
  }

  toString(): string {
    return `LangfuseSampler{${this.ratio?.toString() ?? 'AlwaysOn'}}`;
  }
}
