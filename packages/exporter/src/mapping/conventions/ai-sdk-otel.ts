import type { ConventionSpan, Source } from './convention-span.js';

/*
 * `@ai-sdk/otel` (Vercel AI SDK 7) writes GenAI usage without reasoning tokens; with `new OpenTelemetry({ usage:
 * true })` it adds them, and the other token views, as `ai.usage.*Details.*`. Its spans are not AI SDK 5/6 spans
 * (scope `gen_ai`, no `ai.operationId`), so the Vercel reader does not apply.
 */

export const REASONING_TOKENS = 'ai.usage.outputTokenDetails.reasoningTokens';
const DETAIL_VIEWS = ['ai.usage.inputTokenDetails.', 'ai.usage.outputTokenDetails.'];

/**
 * `output_reasoning_tokens` from `ai.usage.outputTokenDetails.reasoningTokens`, merged into the GenAI usage (the
 * GenAI `gen_ai.usage.reasoning.output_tokens` wins). The other detail views repeat the same numbers: consumed.
 */
export function withAiSdkReasoning(genericUsage: Source<Record<string, unknown>>): Source<Record<string, unknown>> {
  return (span: ConventionSpan) => {
    const usage = genericUsage(span);
    if (span.isVercelAi || span.peek(REASONING_TOKENS) === undefined) return usage;
    const reasoning = span.take(REASONING_TOKENS);
    for (const prefix of DETAIL_VIEWS) for (const key of span.keysWithPrefix(prefix)) span.consume(key);
    if (usage === undefined) return undefined;
    if (reasoning !== undefined && !('output_reasoning_tokens' in usage)) usage['output_reasoning_tokens'] = reasoning;
    return usage;
  };
}
