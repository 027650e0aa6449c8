import type { ObservationType } from '../../wire/ingestion-event.js';
import { isPlainObject } from '../json-attribute.js';
import { type IoSource, type Source, fieldValue, objectValue } from './convention-span.js';
import { flattenedListIo } from './flattened.js';
import type { UsageConvention } from './usage.js';

/*
 * OpenInference (Arize Phoenix and its instrumentations): `openinference.span.kind`, `llm.*`,
 * `input.value` / `output.value`. https://github.com/Arize-ai/openinference/tree/main/spec
 */

export const SPAN_KIND = 'openinference.span.kind';
export const MODEL_NAME = 'llm.model_name';
/** Trace tags (an array, JSON array text or comma list). */
export const TAG_TAGS = 'tag.tags';
const INVOCATION_PARAMETERS = 'llm.invocation_parameters';
const COST_TOTAL = 'llm.cost.total';
const INPUT_VALUE = 'input.value';
const INPUT_MIME_TYPE = 'input.mime_type';
const OUTPUT_VALUE = 'output.value';
const OUTPUT_MIME_TYPE = 'output.mime_type';
const INPUT_MESSAGES = 'llm.input_messages';
const OUTPUT_MESSAGES = 'llm.output_messages';

const KIND_TYPES: ReadonlyMap<string, ObservationType> = new Map<string, ObservationType>([
  ['CHAIN', 'chain'],
  ['RETRIEVER', 'retriever'],
  ['LLM', 'generation'],
  ['EMBEDDING', 'embedding'],
  ['AGENT', 'agent'],
  ['TOOL', 'tool'],
  ['GUARDRAIL', 'guardrail'],
  ['EVALUATOR', 'evaluator'],
]);

export const spanKindType: Source<ObservationType> = (span) => {
  const value = span.peek(SPAN_KIND);
  return typeof value === 'string' ? KIND_TYPES.get(value.trim().toUpperCase()) : undefined;
};

export const modelName: Source<unknown> = (span) => span.take(MODEL_NAME);

/** `llm.invocation_parameters`: a JSON object of the request's parameters. */
export const invocationParameters: Source<Record<string, unknown>> = (span) => {
  const parameters = objectValue(span.peek(INVOCATION_PARAMETERS));
  if (parameters !== undefined) span.consume(INVOCATION_PARAMETERS);
  return parameters;
};

export const cost: Source<Record<string, unknown>> = (span) => {
  const total = span.take(COST_TOTAL);
  return total === undefined ? undefined : { total };
};

/** `llm.token_count.<k>`. */
export const USAGE: UsageConvention = {
  prefix: 'llm.token_count.',
  keys: {
    prompt: 'input',
    completion: 'output',
    total: 'total',
    'prompt_details.cache_read': 'input_cached_tokens',
    'prompt_details.cache_write': 'input_cache_creation',
    'completion_details.reasoning': 'output_reasoning_tokens',
  },
};

/** `input.value`/`output.value`: JSON when the mime type says so (or it looks like an object/array), else text. */
function valueIo(name: string, mimeType: string): IoSource {
  return {
    read(span) {
      const value = span.take(name);
      if (value === undefined) return undefined;
      const mime = span.peek(mimeType);
      const result = fieldValue(value, mime === 'application/json' ? 'json' : mime === 'text/plain' ? 'text' : 'structured');
      if (result !== undefined) span.consume(mimeType);
      return result;
    },
    discard(span) {
      span.consume(name);
      span.consume(mimeType);
    },
  };
}

export const inputValue = valueIo(INPUT_VALUE, INPUT_MIME_TYPE);
export const outputValue = valueIo(OUTPUT_VALUE, OUTPUT_MIME_TYPE);

/** OpenInference wraps list items in an object named after the item (`message`, `tool_call`, `message_content`). */
function unwrap(value: unknown, wrapper: string): unknown {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === wrapper ? value[wrapper] : value;
}

/** One rebuilt `llm.*_messages.N.message.*` item as a plain chat message. */
function message(item: unknown): unknown {
  const result = unwrap(item, 'message');
  if (!isPlainObject(result)) return result;
  const toolCalls = result['tool_calls'];
  if (Array.isArray(toolCalls)) result['tool_calls'] = toolCalls.map((call) => unwrap(call, 'tool_call'));
  const contents = result['contents'];
  if (Array.isArray(contents)) result['contents'] = contents.map((part) => unwrap(part, 'message_content'));
  return result;
}

export const inputMessages = flattenedListIo(INPUT_MESSAGES, 'text', message);
export const outputMessages = flattenedListIo(OUTPUT_MESSAGES, 'text', message);
