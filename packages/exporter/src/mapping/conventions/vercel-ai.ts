import type { ObservationType } from '../../wire/ingestion-event.js';
import { OBSERVATION_MODEL } from '../attribute-names.js';
import { isPlainObject, tryParseJson } from '../json-attribute.js';
import {
  type ConventionSpan,
  type IoSource,
  type Source,
  fieldValue,
  hasMeaningfulValue,
  numberValue,
} from './convention-span.js';

/*
 * Vercel AI SDK (`ai`) telemetry: `experimental_telemetry: { isEnabled: true }`. Its spans come from the scope
 * `ai` (or a tracer the user passes) and carry `ai.*` plus some `gen_ai.*` attributes.
 * https://ai-sdk.dev/docs/ai-sdk-core/telemetry
 */

export const OPERATION_ID = 'ai.operationId';
const OPERATION_NAME = 'operation.name';
const FUNCTION_ID = 'ai.telemetry.functionId';
const MODEL_ID = 'ai.model.id';
const MODEL_PROVIDER = 'ai.model.provider';
const TOOL_CALL_NAME = 'ai.toolCall.name';
const TOOL_CALL_ARGS = 'ai.toolCall.args';
const TOOL_CALL_RESULT = 'ai.toolCall.result';
const PROMPT = 'ai.prompt';
const PROMPT_MESSAGES = 'ai.prompt.messages';
const PROMPT_TOOL_CHOICE = 'ai.prompt.toolChoice';
const RESPONSE_TEXT = 'ai.response.text';
const RESPONSE_TOOL_CALLS = 'ai.response.toolCalls';
const RESPONSE_OBJECT = 'ai.response.object';
const MS_TO_FIRST_CHUNK = ['ai.response.msToFirstChunk', 'ai.stream.msToFirstChunk'];
const USAGE_PREFIX = 'ai.usage.';

export const METADATA_PREFIX = 'ai.telemetry.metadata.';
export const USER_ID = 'ai.telemetry.metadata.userId';
export const SESSION_ID = 'ai.telemetry.metadata.sessionId';
export const TAGS = 'ai.telemetry.metadata.tags';
/** A Langfuse prompt's JSON (`{"name": ..., "version": ...}`) given as telemetry metadata: links the prompt. */
export const LANGFUSE_PROMPT = 'ai.telemetry.metadata.langfusePrompt';
/** Metadata keys that are trace fields or the prompt link, not metadata. */
const TRACE_FIELD_KEYS: ReadonlySet<string> = new Set([USER_ID, SESSION_ID, TAGS, LANGFUSE_PROMPT]);

const GENERATION_OPERATIONS = [
  'ai.generateText.doGenerate',
  'ai.streamText.doStream',
  'ai.generateObject.doGenerate',
  'ai.streamObject.doStream',
];
const EMBEDDING_OPERATIONS = ['ai.embedMany.doEmbed', 'ai.embed.doEmbed'];
const TOOL_OPERATIONS = ['ai.toolCall'];
const MODEL_ATTRIBUTES = [OBSERVATION_MODEL, MODEL_ID, 'gen_ai.request.model', 'gen_ai.response.model'];

/** `ai.operationId` equal to, or the span name / `operation.name` (which may end in " <functionId>") starting with, one of `operations`. */
function isOperation(span: ConventionSpan, operations: readonly string[]): boolean {
  const id = span.peek(OPERATION_ID);
  const name = span.peek(OPERATION_NAME);
  for (const operation of operations) {
    if (id === operation || span.name === operation) return true;
    if (typeof name === 'string' && name.startsWith(operation)) return true;
  }
  return false;
}

export const operationType: Source<ObservationType> = (span) => {
  if (MODEL_ATTRIBUTES.some((name) => hasMeaningfulValue(span.peek(name)))) {
    if (isOperation(span, GENERATION_OPERATIONS)) return 'generation';
    if (isOperation(span, EMBEDDING_OPERATIONS)) return 'embedding';
  }
  return isOperation(span, TOOL_OPERATIONS) ? 'tool' : undefined;
};

export const toolName: Source<unknown> = (span) => span.take(TOOL_CALL_NAME);

/** `<functionId>:<operationId>` (or the operation id alone). */
export const operationName: Source<unknown> = (span) => {
  const operation = span.take(OPERATION_ID);
  if (operation === undefined) return undefined;
  const functionId = span.take(FUNCTION_ID);
  return hasMeaningfulValue(functionId) ? `${String(functionId)}:${String(operation)}` : operation;
};

export const modelId: Source<unknown> = (span) => span.take(MODEL_ID);

/** The server's OTLP mapping of the Vercel AI SDK stores each of these parameters as its text (`toString()`). */
function scalar(value: unknown): unknown {
  return Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : String(value);
}

export const modelParameters: Source<Record<string, unknown>> = (span) => {
  if (!span.isVercelAi) return undefined;
  let result: Record<string, unknown> | undefined;
  const add = (key: string, value: unknown) => {
    if (value !== undefined) (result ??= {})[key] = scalar(value);
  };
  add('maxTokens', span.take('gen_ai.request.max_tokens'));
  add('temperature', span.take('gen_ai.request.temperature'));
  add('toolChoice', span.take(PROMPT_TOOL_CHOICE));
  add('finishReason', span.take('gen_ai.response.finish_reasons'));
  add('system', span.takeFirst(['gen_ai.system', MODEL_PROVIDER]));
  return result;
};

/**
 * Input/output tokens from `gen_ai.usage.*`, total, cached input and reasoning from `ai.usage.*` (v4 and v5+
 * names). All `ai.usage.*` attributes are then counted as mapped: they are other views of the same numbers.
 */
export const usage: Source<Record<string, unknown>> = (span) => {
  if (!span.isVercelAi) return undefined;
  const input = span.takeFirst(['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens']);
  const output = span.takeFirst(['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens']);
  const total = span.takeFirst(['ai.usage.tokens', 'ai.usage.totalTokens']);
  if (input === undefined && output === undefined && total === undefined) return undefined;
  const result: Record<string, unknown> = {};
  const add = (key: string, value: unknown) => {
    if (value !== undefined) result[key] = value;
  };
  add('input', input);
  add('output', output);
  add('total', total);
  add('input_cached_tokens', span.takeFirst(['ai.usage.cachedInputTokens', 'ai.usage.inputTokenDetails.cacheReadTokens']));
  add('input_cache_creation', span.take('ai.usage.inputTokenDetails.cacheWriteTokens'));
  add('output_reasoning_tokens', span.takeFirst(['ai.usage.reasoningTokens', 'ai.usage.outputTokenDetails.reasoningTokens']));
  for (const key of span.keysWithPrefix(USAGE_PREFIX)) span.consume(key);
  return result;
};

export const input: IoSource = {
  read: (span) => (span.isVercelAi ? fieldValue(span.takeFirst([PROMPT_MESSAGES, PROMPT, TOOL_CALL_ARGS]), 'json') : undefined),
  discard(span) {
    for (const name of [PROMPT_MESSAGES, PROMPT, TOOL_CALL_ARGS]) span.consume(name);
  },
};

/** The response text, as an assistant message with `tool_calls` when the model called tools; else the object or tool result. */
export const output: IoSource = {
  read(span) {
    if (!span.isVercelAi) return undefined;
    const text = fieldValue(span.take(RESPONSE_TEXT), 'text');
    const toolCalls = fieldValue(span.take(RESPONSE_TOOL_CALLS), 'json');
    if (toolCalls !== undefined) {
      const message: Record<string, unknown> = { role: 'assistant' };
      if (text !== undefined) message['content'] = text;
      message['tool_calls'] = toolCalls;
      return message;
    }
    if (text !== undefined) return text;
    return fieldValue(span.takeFirst([RESPONSE_OBJECT, TOOL_CALL_RESULT]), 'json');
  },
  discard(span) {
    for (const name of [RESPONSE_TEXT, RESPONSE_TOOL_CALLS, RESPONSE_OBJECT, TOOL_CALL_RESULT]) span.consume(name);
  },
};

/** Milliseconds from the span start to the first streamed chunk. */
export const msToFirstChunk: Source<number> = (span) => {
  const ms = numberValue(span.peek(MS_TO_FIRST_CHUNK[0]!) ?? span.peek(MS_TO_FIRST_CHUNK[1]!));
  if (ms === undefined || ms < 0) return undefined;
  span.takeFirst(MS_TO_FIRST_CHUNK);
  return ms;
};

/**
 * `ai.telemetry.metadata.langfusePrompt` parsed as the server's OTLP mapping does: JSON text of an object, read for
 * its `name` and `version` (checked later like the explicit prompt attributes). Any span may carry it.
 */
export const langfusePrompt: Source<{ name: unknown; version: unknown }> = (span) => {
  const value = span.peek(LANGFUSE_PROMPT);
  if (typeof value !== 'string') return undefined;
  const parsed = tryParseJson(value);
  if (!isPlainObject(parsed)) return undefined;
  span.consume(LANGFUSE_PROMPT);
  return { name: parsed['name'], version: parsed['version'] };
};

/** `ai.telemetry.metadata.<key>` except the trace fields (user, session, tags) and the prompt link. */
export const metadata: Source<Record<string, unknown>> = (span) => {
  let result: Record<string, unknown> | undefined;
  for (const key of span.keysWithPrefix(METADATA_PREFIX)) {
    if (TRACE_FIELD_KEYS.has(key)) {
      if (key === LANGFUSE_PROMPT) span.consume(key);
      continue;
    }
    const name = key.slice(METADATA_PREFIX.length);
    const value = span.take(key);
    if (value === undefined || name === '__proto__') continue;
    (result ??= {})[name] = Array.isArray(value) ? value.slice() : value;
  }
  return result;
};
