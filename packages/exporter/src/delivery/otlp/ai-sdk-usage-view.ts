import type { Attributes } from '@opentelemetry/api';
import { OBSERVATION_METADATA } from '../../mapping/attribute-names.js';
import { AGGREGATE_USAGE_KEY, USAGE_PREFIX, isAggregateOperationName } from '../../mapping/conventions/agent-aggregate.js';
import { REASONING_TOKENS } from '../../mapping/conventions/ai-sdk-otel.js';

const OPERATION_NAME = 'gen_ai.operation.name';
const GENAI_REASONING_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
const AGGREGATE_USAGE_ATTRIBUTE = `${OBSERVATION_METADATA}.${AGGREGATE_USAGE_KEY}`;

type Set = (key: string, value: Attributes[string]) => void;

/**
 * The Vercel AI SDK 7's usage as the server should read it, so both transports store what the legacy mapping does:
 * - an `invoke_agent`/`agent_step` span's `gen_ai.usage.*` (its children's totals again) moved to the metadata
 *   attribute `aggregate_usage`: a Langfuse server before v3.206.0 would count it as usage, twice per trace;
 * - `ai.usage.outputTokenDetails.reasoningTokens` also written as `gen_ai.usage.reasoning.output_tokens`, the name
 *   the server reads reasoning tokens from on GenAI spans (it reads none of `ai.usage.*` there).
 */
export function rewriteAiSdkUsage(attributes: Attributes, set: Set): void {
  if (isAggregateOperationName(attributes[OPERATION_NAME])) {
    let usage: Record<string, unknown> | undefined;
    for (const key of Object.keys(attributes)) {
      if (!key.startsWith(USAGE_PREFIX)) continue;
      (usage ??= {})[key.slice(USAGE_PREFIX.length)] = attributes[key];
      set(key, undefined);
    }
    if (usage !== undefined && attributes[AGGREGATE_USAGE_ATTRIBUTE] === undefined) {
      set(AGGREGATE_USAGE_ATTRIBUTE, JSON.stringify(usage));
    }
    return;
  }
  const reasoning = attributes[REASONING_TOKENS];
  if (typeof reasoning === 'number' && attributes[GENAI_REASONING_TOKENS] === undefined && attributes['ai.operationId'] === undefined) {
    set(GENAI_REASONING_TOKENS, reasoning);
  }
}
