import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AS_ROOT } from '../mapping/attribute-names.js';

/** Do two parent references name the same span (or both none)? */
export function sameParent(a: SpanContext | undefined, b: SpanContext | undefined): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && a.spanId === b.spanId && a.traceId === b.traceId;
}

/**
 * The span as it is, but under another parent; `undefined` makes it a trace root, marked
 * `langfuse.internal.as_root` so every path (the mapping, Langfuse's OTLP endpoint) treats it as the root.
 * The SDK's span is never changed: the result is a view whose prototype is the span, so its methods
 * (`spanContext()`) and getters still work.
 */
export function withParent(span: ReadableSpan, parent: SpanContext | undefined): ReadableSpan {
  if (parent !== undefined) {
    return Object.create(span, { parentSpanContext: { value: parent, enumerable: true } }) as ReadableSpan;
  }
  return Object.create(span, {
    parentSpanContext: { value: undefined, enumerable: true },
    attributes: { value: { ...span.attributes, [AS_ROOT]: true }, enumerable: true },
  }) as ReadableSpan;
}
