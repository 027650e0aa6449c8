import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ObservationType } from '../../wire/ingestion-event.js';
import { OBSERVATION_MODEL, SESSION_ID_ALIASES, USER_ID_ALIASES } from '../attribute-names.js';
import { type ConventionSpan, type IoSource, type Source, hasMeaningfulValue } from './convention-span.js';
import * as genai from './genai.js';
import * as openinference from './openinference.js';
import * as openllmetry from './openllmetry.js';
import { aggregateUsageMetadata, unlessAggregateAgent } from './agent-aggregate.js';
import { withAiSdkReasoning } from './ai-sdk-otel.js';
import { genericUsage } from './usage.js';
import * as vercel from './vercel-ai.js';

/*
 * Which convention supplies each field, in the Langfuse server's priority order (the design note
 * `llm-conventions.md`). The first source that yields a value wins; explicit
 * `langfuse.*` attributes are read before any of these (in observation-fields.ts / trace-fields.ts).
 * Adding a convention: a file like genai.ts with its readers, then its readers in the lists below.
 */

/** Generation when any of these names a model (after the conventions' own type attributes). */
const MODEL_TYPE_ATTRIBUTES = [OBSERVATION_MODEL, genai.REQUEST_MODEL, genai.RESPONSE_MODEL, openinference.MODEL_NAME];
const modelBasedType: Source<ObservationType> = (span) =>
  MODEL_TYPE_ATTRIBUTES.some((name) => hasMeaningfulValue(span.peek(name))) ? 'generation' : undefined;

export const TYPE_SOURCES: readonly Source<ObservationType>[] = [
  openinference.spanKindType,
  genai.operationType,
  vercel.operationType,
  genai.toolType,
  modelBasedType,
];

export const NAME_SOURCES: readonly Source<unknown>[] = [genai.toolName, vercel.toolName, vercel.operationName];

/** Aggregate agent spans (AI SDK 7's `invoke_agent`, `agent_step`) get no model, usage or cost: see agent-aggregate.ts. */
export const MODEL_SOURCES: readonly Source<unknown>[] = [
  genai.responseModel,
  vercel.modelId,
  genai.requestModel,
  openllmetry.responseModel,
  openinference.modelName,
].map(unlessAggregateAgent);

export const MODEL_PARAMETER_SOURCES: readonly Source<Record<string, unknown>>[] = [
  vercel.modelParameters,
  openinference.invocationParameters,
  genai.requestParameters,
];

export const USAGE_SOURCES: readonly Source<Record<string, unknown>>[] = [
  vercel.usage,
  withAiSdkReasoning(genericUsage([genai.USAGE, openinference.USAGE])),
].map(unlessAggregateAgent);

export const COST_SOURCES: readonly Source<Record<string, unknown>>[] = [genai.cost, openinference.cost].map(unlessAggregateAgent);

/** The prompt link a convention carries (the explicit `langfuse.observation.prompt.*` win). */
export const PROMPT_SOURCES: readonly Source<{ name: unknown; version: unknown }>[] = [vercel.langfusePrompt];

export const INPUT_SOURCES: readonly IoSource[] = [
  vercel.input,
  genai.eventInput,
  openllmetry.entityInput,
  openinference.inputValue,
  openinference.inputMessages,
  openllmetry.promptInput,
  genai.messagesInput,
  genai.toolArgumentsInput,
];

export const OUTPUT_SOURCES: readonly IoSource[] = [
  vercel.output,
  genai.eventOutput,
  openllmetry.entityOutput,
  openinference.outputValue,
  openinference.outputMessages,
  openllmetry.completionOutput,
  genai.messagesOutput,
  genai.toolResultOutput,
];

export const COMPLETION_START_SOURCES: readonly Source<number>[] = [vercel.msToFirstChunk];

/** Merged (an earlier source's key wins); explicit `langfuse.observation.metadata*` keys win over all. */
export const METADATA_SOURCES: readonly Source<Record<string, unknown>>[] = [vercel.metadata, aggregateUsageMetadata];

// Trace fields: plain attributes read after the langfuse.* one, first present wins.
export const USER_ID_ATTRIBUTES: readonly string[] = [...USER_ID_ALIASES, vercel.USER_ID];
export const SESSION_ID_ATTRIBUTES: readonly string[] = [...SESSION_ID_ALIASES, vercel.SESSION_ID];
/** Read as the session id only on (local) trace roots. */
export const ROOT_SESSION_ID_ATTRIBUTES: readonly string[] = [genai.CONVERSATION_ID];
export const TAG_ATTRIBUTES: readonly string[] = [vercel.TAGS, openinference.TAG_TAGS];
/** A span with any of these says something about its trace (it gets a trace-create even when not a root). */
export const TRACE_LEVEL_ATTRIBUTES: readonly string[] = [...USER_ID_ATTRIBUTES, ...SESSION_ID_ATTRIBUTES, ...TAG_ATTRIBUTES];

export function firstOf<T>(sources: readonly Source<T>[], span: ConventionSpan): T | undefined {
  for (const source of sources) {
    const value = source(span);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** All sources' records merged; a key from an earlier source wins. */
export function mergeOf(
  sources: readonly Source<Record<string, unknown>>[],
  span: ConventionSpan,
): Record<string, unknown> | undefined {
  let result: Record<string, unknown> | undefined;
  for (const source of sources) {
    const value = source(span);
    if (value !== undefined) result = result === undefined ? value : { ...value, ...result };
  }
  return result;
}

/** The first I/O source with a value; every later one is discarded (its carriers are duplicates). */
export function readIo(sources: readonly IoSource[], span: ConventionSpan): unknown {
  let value: unknown;
  for (const source of sources) {
    if (value === undefined) value = source.read(span);
    else source.discard(span);
  }
  return value;
}

/** An explicit `langfuse.*` value won: the conventions' carriers of the same field are duplicates. */
export function discardIo(sources: readonly IoSource[], span: ConventionSpan): void {
  for (const source of sources) source.discard(span);
}

// --- Detection ----------------------------------------------------------------------------------------------

/** Attribute key prefixes that switch the convention layer on for a span (checked in the one pass over keys). */
export const CONVENTION_KEY_PREFIXES: readonly string[] = [
  'gen_ai.',
  'ai.',
  'llm.',
  'openinference.',
  'input.value',
  'output.value',
  'traceloop.',
];

const PREFIXES_BY_FIRST_CHAR: (readonly string[] | undefined)[] = [];
for (const prefix of CONVENTION_KEY_PREFIXES) {
  const c = prefix.charCodeAt(0);
  PREFIXES_BY_FIRST_CHAR[c] = [...(PREFIXES_BY_FIRST_CHAR[c] ?? []), prefix];
}

/** Is `key` another LLM convention's attribute? One array lookup for most keys. */
export function isConventionKey(key: string): boolean {
  const candidates = PREFIXES_BY_FIRST_CHAR[key.charCodeAt(0)];
  if (candidates === undefined) return false;
  for (const prefix of candidates) {
    if (key.length >= prefix.length && key.slice(0, prefix.length) === prefix) return true;
  }
  return false;
}

export { hasGenAiEvent } from './genai.js';

// --- Which spans are LLM-related ----------------------------------------------------------------------------

/** Our facade's instrumentation scope. */
export const LANGFUSE_SDK_SCOPE = 'langfuse-sdk';

/** Scopes matched exactly. */
const EXACT_LLM_SCOPES: ReadonlySet<string> = new Set([LANGFUSE_SDK_SCOPE, 'ai']);
/** Scope namespaces: the name itself or `<name>.<anything>`. */
const LLM_SCOPE_NAMESPACES: readonly string[] = [
  'agent_framework',
  'haystack',
  'langsmith',
  'litellm',
  'strands-agents',
  'vllm',
  'opentelemetry.instrumentation.openai',
  'opentelemetry.instrumentation.openai_v2',
  'opentelemetry.instrumentation.anthropic',
  'opentelemetry.instrumentation.bedrock',
  'opentelemetry.instrumentation.aws_bedrock',
  'opentelemetry.instrumentation.gemini',
  'opentelemetry.instrumentation.google_genai',
  'opentelemetry.instrumentation.google_generativeai',
  'opentelemetry.instrumentation.vertex_ai',
  'opentelemetry.instrumentation.vertexai',
];
/** Plain prefixes: OpenInference's scopes in every language, and the JS packages of OpenInference and OpenLLMetry. */
const LLM_SCOPE_PREFIXES: readonly string[] = ['openinference', '@arizeai/openinference', '@traceloop/'];

export function isKnownLlmScope(name: string | undefined): boolean {
  if (name === undefined || name === '') return false;
  if (EXACT_LLM_SCOPES.has(name)) return true;
  for (const namespace of LLM_SCOPE_NAMESPACES) {
    if (name.startsWith(namespace) && (name.length === namespace.length || name.charCodeAt(namespace.length) === 0x2e /* . */)) {
      return true;
    }
  }
  for (const prefix of LLM_SCOPE_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/**
 * The default export policy's test, as Langfuse's own SDKs apply it: our facade's spans, spans with any
 * `langfuse.*` or `gen_ai.*` attribute, and spans from known LLM instrumentation scopes. Pure; never throws.
 */
export function isLlmRelatedSpan(span: Pick<ReadableSpan, 'attributes' | 'instrumentationScope'>): boolean {
  const scope = span.instrumentationScope as { name?: unknown } | undefined;
  if (typeof scope?.name === 'string' && isKnownLlmScope(scope.name)) return true;
  const attributes = span.attributes;
  if (attributes === undefined || attributes === null) return false;
  for (const key in attributes) {
    const c = key.charCodeAt(0);
    if ((c === 0x6c /* l */ && key.startsWith('langfuse.')) || (c === 0x67 /* g */ && key.startsWith('gen_ai.'))) {
      return true;
    }
  }
  return false;
}
