import type { ConventionSpan, Source } from './convention-span.js';

/** How one convention names token counts: every `<prefix><k>` is usage; `keys` renames the known ones. */
export interface UsageConvention {
  prefix: string;
  /** Attributes under the prefix that are not token counts. */
  exclude?: readonly string[];
  /** Convention key → Langfuse usage key (`input`, `output`, `total`, `input_cached_tokens`, ...). */
  keys: Readonly<Record<string, string>>;
}

/**
 * Every token count of the given conventions, renamed to Langfuse's keys; other keys keep their own name. The
 * first attribute for a Langfuse key wins (`prompt_tokens` and `input_tokens` often both say the same).
 */
export function genericUsage(conventions: readonly UsageConvention[]): Source<Record<string, unknown>> {
  return (span: ConventionSpan) => {
    let result: Record<string, unknown> | undefined;
    for (const convention of conventions) {
      for (const key of span.keysWithPrefix(convention.prefix)) {
        if (convention.exclude?.includes(key)) continue;
        const name = key.slice(convention.prefix.length);
        const target = Object.hasOwn(convention.keys, name) ? convention.keys[name]! : name;
        const value = span.take(key);
        if (value === undefined || target === '__proto__') continue;
        result ??= {};
        if (!(target in result)) result[target] = value;
      }
    }
    return result;
  };
}

/**
 * GenAI conventions count cache reads and writes inside the input tokens and reasoning inside the output tokens;
 * Langfuse wants them apart, or they are counted (and priced) twice. Floors at 0.
 */
export function splitCacheAndReasoning(usage: Record<string, number>): Record<string, number> {
  const input = usage['input'];
  if (input !== undefined) {
    usage['input'] = Math.max(input - (usage['input_cached_tokens'] ?? 0) - (usage['input_cache_creation'] ?? 0), 0);
  }
  const output = usage['output'];
  if (output !== undefined) usage['output'] = Math.max(output - (usage['output_reasoning_tokens'] ?? 0), 0);
  return usage;
}
