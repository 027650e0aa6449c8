import { context, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { facadeConfig } from '../facade/facade-config.js';
import { describeCaught, log } from '../logger.js';
import { allowedBaggageOnly, restrictExtractedBaggage } from './baggage-filter.js';
import { carrierGetter, carrierSetter, type TraceCarrier } from './carrier.js';
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
 * `traceparent`, `tracestate` when there is one, and `baggage` only for allowed keys.
 */
export function injectTraceContext<C extends TraceCarrier = Record<string, string>>(carrier?: C, options?: PropagationOptions): C {
  const target = (carrier ?? {}) as C;
  try {
    injectWith(allowedBaggageOnly(baseContext(options), allowedKeys(options)), target, carrierSetter);
  } catch (error) {
    log.once('warn', 'inject-failed', `could not inject trace context: ${describeCaught(error)}`);
  }
  return target;
}

/**
 * The active context continued from the caller's `traceparent` (and `tracestate`, and allowed baggage) in
 * `carrier`. Missing, malformed, oversized or hostile headers leave the context as it was.
 */
export function extractTraceContext(carrier: TraceCarrier | null | undefined, options?: PropagationOptions): Context {
  const base = baseContext(options);
  try {
    let extracted = extractWith(base, carrier, carrierGetter);
    const spanContext = trace.getSpanContext(extracted);
    if (spanContext !== trace.getSpanContext(base) && (spanContext === undefined || !isSpanContextValid(spanContext))) {
      const baseSpan = trace.getSpan(base);
      extracted = baseSpan === undefined ? trace.deleteSpan(extracted) : trace.setSpan(extracted, baseSpan);
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
