import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { isLlmRelatedSpan } from '../mapping/index.js';
import { quoteValue } from '../config/quote-value.js';

/**
 * Which spans are sent to Langfuse:
 * - `'llm'` (the default): our facade's spans (scope `langfuse-sdk`), spans with any `langfuse.*` or `gen_ai.*`
 *   attribute, and spans from known LLM instrumentation scopes ({@link isLlmRelatedSpan});
 * - `'all'`: every span;
 * - a predicate: full control; a span is sent when it returns a truthy value (or throws).
 *
 * Dropping a span never orphans its descendants: a kept span whose parent was dropped is attached to its nearest
 * kept ancestor, or becomes the trace root.
 */
export type ExportPolicy = 'llm' | 'all' | ((span: ReadableSpan) => boolean);

/** A policy that needs buffering: everything but `'all'`. */
export type SelectivePolicy = Exclude<ExportPolicy, 'all'>;

/** Resolves an unchecked policy; anything unknown is `'llm'` with a warning through `warn`. */
export function resolveExportPolicy(policy: unknown, warn: (message: string) => void): ExportPolicy {
  if (policy === undefined || policy === 'llm') return 'llm';
  if (policy === 'all' || typeof policy === 'function') return policy as ExportPolicy;
  warn(`exportPolicy ${quoteValue(policy)} is invalid (must be 'llm', 'all' or a function); using 'llm'`);
  return 'llm';
}

/** A selective policy as two decisions. Neither ever throws. */
export interface SpanDecider {
  /** Is this ended span sent? */
  keep(span: ReadableSpan): boolean;
  /**
   * Will this still-open span be sent when it ends? Asked only when its descendants must go out first (a memory
   * or age cap, forceFlush, shutdown). Under `'llm'` the answer cannot change later (attributes are only ever
   * added and the scope is fixed), so it is the span's answer as it is now. A predicate's answer could change
   * (it may read the end time or status), so under a predicate an open span counts as dropped: its descendants
   * attach further up, which never orphans them.
   */
  keepOpen(span: ReadableSpan): boolean;
  /** Is this just-started span certain to be sent when it ends, whatever it records meanwhile? */
  keptFromStart(span: ReadableSpan): boolean;
}

export function createSpanDecider(policy: SelectivePolicy, onPredicateError: (error: unknown) => void): SpanDecider {
  // Under 'llm' a span's answer only ever turns from no to yes (attributes are added, the scope is fixed).
  if (policy === 'llm') return { keep: isLlmRelatedSpan, keepOpen: isLlmRelatedSpan, keptFromStart: isLlmRelatedSpan };
  return {
    keep(span) {
      try {
        return Boolean(policy(span));
      } catch (error) {
        onPredicateError(error);
        return true;
      }
    },
    keepOpen: () => false,
    keptFromStart: () => false,
  };
}
