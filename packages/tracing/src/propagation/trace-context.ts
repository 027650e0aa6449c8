import { context, isSpanContextValid, trace, type Context, type Span } from '@opentelemetry/api';
import { REMOTE_PARENT_KEY } from '../facade/context-keys.js';
import { facadeConfig } from '../facade/facade-config.js';
import { describeCaught, log } from '../logger.js';
import { allowedBaggageOnly, restrictExtractedBaggage } from './baggage-filter.js';
import { carrierGetter, carrierSetter, type TraceCarrier } from './carrier.js';
import { guardFetchTraceHeaders } from './fetch-duplicate-guard.js';
import { extractWith, injectWith } from './propagators.js';

export interface PropagationOptions {
  /** The context to inject from / extract into. Default: the active context. */
  context?: Context;
  /**
   * Baggage keys passed on (inject) or taken over (extract). Default: the `baggageKeys` of `setupLangfuse()`,
   * else none. Baggage is never copied into span attributes.
   */
  baggageKeys?: readonly string[];
}

function allowedKeys(options: PropagationOptions | undefined): ReadonlySet<string> {
  const keys = options?.baggageKeys;
  if (Array.isArray(keys)) return new Set(keys.filter((key): key is string => typeof key === 'string'));
  return facadeConfig().baggageKeys;
}

function baseContext(options: PropagationOptions | undefined): Context {
  return options?.context ?? context.active();
}

/**
 * Writes the active trace context into `carrier` (a new object when none is given) and returns it:
 * `traceparent`, `tracestate` when there is one, and `baggage` only for allowed keys. Used on a `fetch` that
 * auto-instrumentation also injects into, these stay the request's only trace headers (see `fetch-duplicate-guard.ts`).
 */
export function injectTraceContext<C extends TraceCarrier = Record<string, string>>(carrier?: C, options?: PropagationOptions): C {
  const target = (carrier ?? {}) as C;
  guardFetchTraceHeaders();
  try {
    injectWith(allowedBaggageOnly(baseContext(options), allowedKeys(options)), target, carrierSetter);
  } catch (error) {
    log.once('warn', 'inject-failed', `could not inject trace context: ${describeCaught(error)}`);
  }
  return target;
}

/** A valid span started in this process (not a caller's context), e.g. an auto-instrumented server span. */
function localSpanOf(context: Context): Span | undefined {
  const span = trace.getSpan(context);
  const spanContext = span?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) && spanContext.isRemote !== true ? span : undefined;
}

/**
 * The active context continued from the caller's `traceparent` (and `tracestate`, and allowed baggage) in
 * `carrier`. Missing, malformed, oversized or hostile headers leave the context as it was. When a local span
 * of the same trace is active (another instrumentation continued the caller already), it stays active, so
 * that instrumentation's spans keep their parent; the facade's next root still gets the caller as parent.
 */
export function extractTraceContext(carrier: TraceCarrier | null | undefined, options?: PropagationOptions): Context {
  const base = baseContext(options);
  try {
    let extracted = extractWith(base, carrier, carrierGetter);
    const spanContext = trace.getSpanContext(extracted);
    const baseSpan = trace.getSpan(base);
    if (spanContext !== baseSpan?.spanContext()) {
      if (spanContext === undefined || !isSpanContextValid(spanContext)) {
        extracted = baseSpan === undefined ? trace.deleteSpan(extracted) : trace.setSpan(extracted, baseSpan);
      } else {
        const local = localSpanOf(base);
        if (local !== undefined && local.spanContext().traceId === spanContext.traceId) {
          extracted = trace.setSpan(extracted, local).setValue(REMOTE_PARENT_KEY, spanContext);
        }
      }
    }
    return restrictExtractedBaggage(base, extracted, allowedKeys(options));
  } catch (error) {
    log.once('warn', 'extract-failed', `could not extract trace context (ignored): ${describeCaught(error)}`);
    return base;
  }
}

/** Runs `fn` in the context continued from `carrier`, so `langfuse.trace()` inside joins the caller's trace. */
export function withTraceContext<T>(carrier: TraceCarrier | null | undefined, fn: () => T, options?: PropagationOptions): T {
  return context.with(extractTraceContext(carrier, options), fn);
}
