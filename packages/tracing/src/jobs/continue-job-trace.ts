import { context, isSpanContextValid, ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { OBSERVATION_KEY, REMOTE_PARENT_KEY } from '../facade/context-keys.js';
import { propagateAttributes } from '../facade/propagate-attributes.js';
import { describeCaught, log } from '../logger.js';
import type { TraceCarrier } from '../propagation/carrier.js';
import { extractTraceContext } from '../propagation/trace-context.js';
import { safeRead } from '../values/safe-read.js';
import { restoreScope } from './carried-scope.js';
import { JOB_LINK_KEY, withJobLink } from './job-link.js';
import { JOB_TRACE_FIELD } from './job-trace.js';

export interface ContinueJobTraceOptions {
  /**
   * `'continue'` (default): the job's observations join the producer's trace, under the span that added the job.
   * `'link'`: they start a new trace whose metadata names the producer's (`linkedTraceId`, `linkedObservationId`),
   * for long-lived, repeatable or fan-out jobs where one trace per request would grow without end. The new trace's
   * root span also gets an OpenTelemetry span link to the adding span (added by the Langfuse span processor).
   */
  mode?: 'continue' | 'link';
}

function carrierOf(data: unknown): TraceCarrier | undefined {
  const carried = safeRead(data, JOB_TRACE_FIELD);
  return typeof carried === 'object' && carried !== null ? (carried as TraceCarrier) : undefined;
}

/**
 * The worker's context without any span, observation, caller or outer job's link, so the next trace is a new root
 * (linked to this job's caller only).
 */
function detached(ctx: Context): Context {
  return trace.deleteSpan(ctx).deleteValue(OBSERVATION_KEY).deleteValue(REMOTE_PARENT_KEY).deleteValue(JOB_LINK_KEY);
}

/**
 * Runs `fn` (the job's work) in the trace of whoever added the job with `withJobTrace()`, read from `data` (the
 * job's data): `new Worker(queue, (job) => continueJobTrace(job.data, () => work(job)))`. The producer's
 * `propagateAttributes` scope applies inside too. A job without trace context (or with an unusable one) runs as
 * it would without the helper. Returns what `fn` returns; never throws on its own account.
 */
export function continueJobTrace<T>(data: unknown, fn: () => T, options?: ContinueJobTraceOptions): T {
  let continued: Context | undefined;
  let link: SpanContext | undefined;
  try {
    const carrier = carrierOf(data);
    if (carrier !== undefined) {
      const active = context.active();
      const propagated = safeRead(carrier, 'propagated');
      if (safeRead(options, 'mode') === 'link') {
        const caller = trace.getSpanContext(extractTraceContext(carrier, { context: ROOT_CONTEXT }));
        if (caller !== undefined && isSpanContextValid(caller)) link = caller;
        const root = restoreScope(detached(active), propagated);
        continued = link === undefined ? root : withJobLink(root, link);
      } else {
        continued = restoreScope(extractTraceContext(carrier, { context: active }), propagated);
      }
    }
  } catch (error) {
    log.once('warn', 'job-extract-failed', `continueJobTrace(): the job's trace context could not be read (${describeCaught(error)}); running without it`);
    continued = undefined;
  }
  if (continued === undefined) return fn();
  const linked = link;
  return context.with(continued, () =>
    linked === undefined ? fn() : propagateAttributes({ metadata: { linkedTraceId: linked.traceId, linkedObservationId: linked.spanId } }, fn),
  );
}
