import type { ConventionSpan, Source } from './convention-span.js';
import { OPERATION_NAME } from './genai.js';

/*
 * The Vercel AI SDK 7 (`@ai-sdk/otel`) writes its GenAI spans as `invoke_agent` > `agent_step` > `chat`, and the
 * agent span repeats the totals of its `chat` children in `gen_ai.usage.*`. Read as usage, every trace's tokens and
 * cost would count twice. Langfuse's OTLP mapping (since v3.206.0) takes no model, usage or cost from spans whose
 * `gen_ai.operation.name` is `invoke_agent` or `agent_step`; the mapping does the same, and keeps the totals in the
 * observation's metadata as `aggregate_usage`.
 */

const AGGREGATE_OPERATIONS: ReadonlySet<string> = new Set(['invoke_agent', 'agent_step']);
export const USAGE_PREFIX = 'gen_ai.usage.';
/** The metadata key the agent's own totals are kept under (on both transports). */
export const AGGREGATE_USAGE_KEY = 'aggregate_usage';

/** Does this `gen_ai.operation.name` value name an operation whose usage repeats its children's? */
export function isAggregateOperationName(value: unknown): boolean {
  return typeof value === 'string' && AGGREGATE_OPERATIONS.has(value);
}

export function isAggregateAgentSpan(span: ConventionSpan): boolean {
  return isAggregateOperationName(span.peek(OPERATION_NAME));
}

/** The source, except on aggregate agent spans (which then keep the attributes it would have read). */
export function unlessAggregateAgent<T>(source: Source<T>): Source<T> {
  return (span) => (isAggregateAgentSpan(span) ? undefined : source(span));
}

/** `{aggregate_usage: {input_tokens: ..., ...}}` from an aggregate agent span's `gen_ai.usage.*`. */
export const aggregateUsageMetadata: Source<Record<string, unknown>> = (span) => {
  if (!isAggregateAgentSpan(span)) return undefined;
  let usage: Record<string, unknown> | undefined;
  for (const key of span.keysWithPrefix(USAGE_PREFIX)) {
    const name = key.slice(USAGE_PREFIX.length);
    const value = span.take(key);
    if (value !== undefined && name !== '__proto__') (usage ??= {})[name] = value;
  }
  return usage === undefined ? undefined : { [AGGREGATE_USAGE_KEY]: usage };
};
