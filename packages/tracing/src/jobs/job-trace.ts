import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { describeCaught, log } from '../logger.js';
import { injectTraceContext } from '../propagation/trace-context.js';
import { isPlainRecord } from '../values/safe-read.js';
import { carryScope, type CarriedScope } from './carried-scope.js';

/** The job data field `withJobTrace()` writes and `continueJobTrace()` reads. */
export const JOB_TRACE_FIELD = 'langfuseTrace';

/** What a job carries: the W3C trace context of the span that added it, and its `propagateAttributes` scope. */
export interface JobTrace {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  propagated?: CarriedScope;
}

/** Job data with the trace context of the job's producer. */
export type TracedJobData<D> = D & { [JOB_TRACE_FIELD]?: JobTrace };

/**
 * A copy of the job data `data` (a plain object) with the active trace context under `langfuseTrace`, for
 * `queue.add(name, withJobTrace(data))` inside a trace. Outside a trace, or for data that is not a plain object,
 * `data` comes back as it is. Never throws.
 */
export function withJobTrace<D extends object>(data: D): TracedJobData<D> {
  try {
    if (!isPlainRecord(data)) {
      log.once('warn', 'job-data-not-plain', 'withJobTrace(): job data must be a plain object to carry the trace; the job was added without it');
      return data;
    }
    const active = context.active();
    const spanContext = trace.getSpanContext(active);
    if (spanContext === undefined || !isSpanContextValid(spanContext)) return data;
    const carried: JobTrace = injectTraceContext<Record<string, string>>({});
    const propagated = carryScope(active);
    if (propagated !== undefined) carried.propagated = propagated;
    return { ...data, [JOB_TRACE_FIELD]: carried };
  } catch (error) {
    log.once('warn', 'job-inject-failed', `withJobTrace(): the trace context could not be added (${describeCaught(error)}); the job was added without it`);
    return data;
  }
}
