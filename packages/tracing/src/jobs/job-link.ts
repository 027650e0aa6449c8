import { createContextKey, trace, type Context, type Link, type SpanContext } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';

/** In a job run by `continueJobTrace(..., { mode: 'link' })`: the span context of whoever added the job. */
export const JOB_LINK_KEY = createContextKey('@otel-langfuse/tracing job link');

/** `ctx` marked so that every trace root started in it links to `caller`. */
export function withJobLink(ctx: Context, caller: SpanContext): Context {
  return ctx.setValue(JOB_LINK_KEY, caller);
}

/**
 * Adds an OpenTelemetry span link to the job's producer on `span` when it starts a trace inside a linked job (any
 * span without a parent there: the facade's or another instrumentation's). A span processor's `onStart` calls it;
 * spans elsewhere cost one context lookup. Never throws.
 */
export function linkJobRoot(span: Span, parentContext: Context): void {
  try {
    const caller = parentContext.getValue(JOB_LINK_KEY) as SpanContext | undefined;
    if (caller === undefined || trace.getSpanContext(parentContext) !== undefined) return;
    const link: Link = { context: caller };
    if (typeof span.addLink === 'function') span.addLink(link);
  } catch {
    // a span that takes no links keeps the metadata link only
  }
}
