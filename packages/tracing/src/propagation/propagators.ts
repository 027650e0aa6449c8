import { propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

/** Used directly, never registered: an isolated setup must not change the process's global propagator. */
const w3c = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });

function globalFields(): readonly string[] {
  try {
    const fields = propagation.fields();
    return Array.isArray(fields) ? fields : [];
  } catch {
    return [];
  }
}

/**
 * The global propagator when one is registered (it may add formats such as B3 or X-Ray), plus our W3C one when
 * the global one does not speak `traceparent` (or there is none).
 */
function choice(): { global: boolean; own: boolean } {
  const fields = globalFields();
  return { global: fields.length > 0, own: !fields.some((field) => typeof field === 'string' && field.toLowerCase() === 'traceparent') };
}

export function injectWith(context: Context, carrier: unknown, setter: TextMapSetter<unknown>): void {
  const use = choice();
  if (use.global) propagation.inject(context, carrier, setter);
  if (use.own) w3c.inject(context, carrier, setter);
}

export function extractWith(context: Context, carrier: unknown, getter: TextMapGetter<unknown>): Context {
  const use = choice();
  let result = context;
  if (use.global) result = propagation.extract(result, carrier, getter);
  if (use.own) result = w3c.extract(result, carrier, getter);
  return result;
}

/** Has a global propagator been registered (by anyone)? */
export function hasGlobalPropagator(): boolean {
  return globalFields().length > 0;
}
