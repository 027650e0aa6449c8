import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { ObservationType } from '../../wire/ingestion-event.js';
import { NOT_JSON, isPlainObject, tryParseJson } from '../json-attribute.js';
import {
  type ConventionSpan,
  type IoSource,
  type Source,
  attributeIo,
  fieldValue,
  hasMeaningfulValue,
  parseStructured,
} from './convention-span.js';
import type { UsageConvention } from './usage.js';

/*
 * OpenTelemetry GenAI semantic conventions (`gen_ai.*`): OpenLLMetry, the OTel contrib instrumentations,
 * Sentry and many SDKs. https://opentelemetry.io/docs/specs/semconv/gen-ai/
 */

export const OPERATION_NAME = 'gen_ai.operation.name';
export const REQUEST_MODEL = 'gen_ai.request.model';
export const RESPONSE_MODEL = 'gen_ai.response.model';
export const REQUEST_PREFIX = 'gen_ai.request.';
export const TOOL_NAME = 'gen_ai.tool.name';
export const TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const INPUT_MESSAGES = 'gen_ai.input.messages';
export const OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const USAGE_COST = 'gen_ai.usage.cost';
/** Read as the session id on trace roots only. */
export const CONVERSATION_ID = 'gen_ai.conversation.id';

/** Span event carrying the whole exchange (semconv ≥ 1.37). */
export const OPERATION_DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
/** Older per-message span events: the role is in the name. */
const MESSAGE_EVENT_ROLES: ReadonlyMap<string, string> = new Map([
  ['gen_ai.system.message', 'system'],
  ['gen_ai.user.message', 'user'],
  ['gen_ai.assistant.message', 'assistant'],
  ['gen_ai.tool.message', 'tool'],
]);
const CHOICE_EVENT = 'gen_ai.choice';

const OPERATION_TYPES: ReadonlyMap<string, ObservationType> = new Map<string, ObservationType>([
  ['chat', 'generation'],
  ['completion', 'generation'],
  ['text_completion', 'generation'],
  ['generate_content', 'generation'],
  ['generate', 'generation'],
  ['embeddings', 'embedding'],
  ['invoke_agent', 'agent'],
  ['create_agent', 'agent'],
  ['execute_tool', 'tool'],
]);

// --- observation type -------------------------------------------------------------------------------------

export const operationType: Source<ObservationType> = (span) => {
  const value = span.peek(OPERATION_NAME);
  return typeof value === 'string' ? OPERATION_TYPES.get(value.trim().toLowerCase()) : undefined;
};

export const toolType: Source<ObservationType> = (span) =>
  hasMeaningfulValue(span.peek(TOOL_NAME)) || hasMeaningfulValue(span.peek(TOOL_CALL_ID)) ? 'tool' : undefined;

// --- name, model, parameters, cost --------------------------------------------------------------------------

export const toolName: Source<unknown> = (span) =>
  hasMeaningfulValue(span.peek(TOOL_NAME)) ? span.take(TOOL_NAME) : undefined;

export const responseModel: Source<unknown> = (span) => span.take(RESPONSE_MODEL);
export const requestModel: Source<unknown> = (span) => span.take(REQUEST_MODEL);

/** Every `gen_ai.request.<k>` except the model, as `{k: value}`. */
export const requestParameters: Source<Record<string, unknown>> = (span) => {
  let result: Record<string, unknown> | undefined;
  for (const key of span.keysWithPrefix(REQUEST_PREFIX)) {
    if (key === REQUEST_MODEL) continue;
    const value = span.take(key);
    if (value !== undefined) (result ??= {})[key.slice(REQUEST_PREFIX.length)] = Array.isArray(value) ? value.slice() : value;
  }
  return result;
};

export const cost: Source<Record<string, unknown>> = (span) => {
  const total = span.take(USAGE_COST);
  return total === undefined ? undefined : { total };
};

/** `gen_ai.usage.<k>`: the keys that mean input, output, total, cache and reasoning tokens. */
export const USAGE: UsageConvention = {
  prefix: 'gen_ai.usage.',
  exclude: [USAGE_COST],
  keys: {
    prompt_tokens: 'input',
    input_tokens: 'input',
    completion_tokens: 'output',
    output_tokens: 'output',
    total_tokens: 'total',
    'cache_read.input_tokens': 'input_cached_tokens',
    cache_read_input_tokens: 'input_cached_tokens',
    cache_read_tokens: 'input_cached_tokens',
    'cache_creation.input_tokens': 'input_cache_creation',
    cache_creation_input_tokens: 'input_cache_creation',
    cache_write_tokens: 'input_cache_creation',
    'reasoning.output_tokens': 'output_reasoning_tokens',
    reasoning_tokens: 'output_reasoning_tokens',
  },
};

// --- input / output ---------------------------------------------------------------------------------------

/** The text of a system-instruction part (`{type: "text", content}`), of a structured message's text parts, or a string. */
function instructionTexts(item: unknown, out: string[]): void {
  if (typeof item === 'string') {
    if (item !== '') out.push(item);
  } else if (isPlainObject(item)) {
    if (typeof item['content'] === 'string' && item['content'] !== '') out.push(item['content']);
    else if (Array.isArray(item['parts'])) for (const part of item['parts']) instructionTexts(part, out);
  }
}

/**
 * `gen_ai.system_instructions` as leading system messages: a list of whole messages (`{role?, parts}`) stays as
 * such; parts or text become one `{role: "system", content}` message (texts joined by newlines).
 */
export function systemMessages(value: unknown): Record<string, unknown>[] {
  let parsed = value;
  if (typeof value === 'string') {
    const json = tryParseJson(value);
    parsed = json === NOT_JSON ? value : json;
  }
  if (typeof parsed === 'string') return parsed === '' ? [] : [{ role: 'system', content: parsed }];
  if (!Array.isArray(parsed)) return [];
  if (parsed.length > 0 && parsed.every((item) => isPlainObject(item) && Array.isArray(item['parts']))) {
    return parsed.map((item) => ({ role: 'system', ...(item as Record<string, unknown>) }));
  }
  const texts: string[] = [];
  for (const item of parsed) instructionTexts(item, texts);
  return texts.length === 0 ? [] : [{ role: 'system', content: texts.join('\n') }];
}

function hasSystemMessage(messages: unknown[]): boolean {
  return messages.some((message) => isPlainObject(message) && message['role'] === 'system');
}

/** Input messages with the system instructions in front (unless the messages already have a system message). */
function withInstructions(messages: unknown, instructions: unknown): unknown {
  if (instructions === undefined) return messages;
  const system = systemMessages(instructions);
  if (system.length === 0) return messages;
  if (messages === undefined) return system;
  if (!Array.isArray(messages)) return messages;
  return hasSystemMessage(messages) ? messages : [...system, ...messages];
}

function eventAttributes(event: TimedEvent): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const attributes = event.attributes;
  if (attributes === undefined) return result;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && key !== '__proto__') result[key] = parseStructured(value);
  }
  return result;
}

function findDetailsEvent(span: ConventionSpan): TimedEvent | undefined {
  for (const event of span.events) if (event.name === OPERATION_DETAILS_EVENT) return event;
  return undefined;
}

/**
 * Span events: `gen_ai.client.inference.operation.details` (input/output messages and system instructions as
 * event attributes), else the older per-message events (`gen_ai.<role>.message` in order → input list,
 * `gen_ai.choice` → output, one choice as itself). Events used here don't become event observations.
 */
export const eventInput: IoSource = {
  read(span) {
    const details = findDetailsEvent(span);
    if (details !== undefined) {
      const attributes = details.attributes ?? {};
      const input = withInstructions(fieldValue(attributes[INPUT_MESSAGES], 'json'), attributes[SYSTEM_INSTRUCTIONS]);
      if (input !== undefined) {
        span.consumeEvent(details);
        return input;
      }
    }
    let messages: Record<string, unknown>[] | undefined;
    for (const event of span.events) {
      const role = MESSAGE_EVENT_ROLES.get(event.name);
      if (role === undefined) continue;
      (messages ??= []).push({ role, ...eventAttributes(event) });
      span.consumeEvent(event);
    }
    return messages;
  },
  discard(span) {
    for (const event of span.events) {
      if (event.name === OPERATION_DETAILS_EVENT || MESSAGE_EVENT_ROLES.has(event.name)) span.consumeEvent(event);
    }
  },
};

export const eventOutput: IoSource = {
  read(span) {
    const details = findDetailsEvent(span);
    if (details !== undefined) {
      const output = fieldValue(details.attributes?.[OUTPUT_MESSAGES], 'json');
      if (output !== undefined) {
        span.consumeEvent(details);
        return output;
      }
    }
    let choices: Record<string, unknown>[] | undefined;
    for (const event of span.events) {
      if (event.name !== CHOICE_EVENT) continue;
      (choices ??= []).push(eventAttributes(event));
      span.consumeEvent(event);
    }
    return choices === undefined ? undefined : choices.length === 1 ? choices[0] : choices;
  },
  discard(span) {
    for (const event of span.events) {
      if (event.name === OPERATION_DETAILS_EVENT || event.name === CHOICE_EVENT) span.consumeEvent(event);
    }
  },
};

/** `gen_ai.input.messages`, with `gen_ai.system_instructions` as leading system message(s). */
export const messagesInput: IoSource = {
  read(span) {
    const messages = fieldValue(span.take(INPUT_MESSAGES), 'json');
    const instructions = span.peek(SYSTEM_INSTRUCTIONS);
    const input = withInstructions(messages, instructions);
    if (input !== undefined && instructions !== undefined) span.consume(SYSTEM_INSTRUCTIONS);
    return input;
  },
  discard(span) {
    span.consume(INPUT_MESSAGES);
    span.consume(SYSTEM_INSTRUCTIONS);
  },
};

export const messagesOutput: IoSource = attributeIo([OUTPUT_MESSAGES], 'json');
export const toolArgumentsInput: IoSource = attributeIo([TOOL_CALL_ARGUMENTS], 'json');
export const toolResultOutput: IoSource = attributeIo([TOOL_CALL_RESULT], 'json');

/** Does the span have events this convention reads (so the convention layer must run even without attributes)? */
/** A GenAI span event the mapping reads as the observation's input or output (not an event observation). */
export function isGenAiMessageEvent(name: string): boolean {
  return name === OPERATION_DETAILS_EVENT || name === CHOICE_EVENT || MESSAGE_EVENT_ROLES.has(name);
}

export function hasGenAiEvent(events: readonly TimedEvent[]): boolean {
  for (const event of events) if (event.name.startsWith('gen_ai.')) return true;
  return false;
}
