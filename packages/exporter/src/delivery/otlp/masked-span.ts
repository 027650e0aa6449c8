import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { isThenable, MASK_FAILED, type MaskFunction } from '../../mapping/index.js';
import { safeJsonStringify } from '../../events/safe-json.js';

type MaskField = 'input' | 'output' | 'metadata';

const MASKED_ATTRIBUTES: Record<string, MaskField> = {
  'langfuse.observation.input': 'input',
  'langfuse.observation.output': 'output',
  'langfuse.trace.input': 'input',
  'langfuse.trace.output': 'output',
  'langfuse.observation.metadata': 'metadata',
  'langfuse.trace.metadata': 'metadata',
};

/**
 * Input and output as other LLM instrumentation writes them (GenAI semconv, OpenLLMetry, Vercel AI SDK,
 * OpenInference): on the OTLP path the server reads these too, so the mask must see them.
 */
const CONVENTION_IO: Record<string, MaskField> = {
  'gen_ai.input.messages': 'input',
  'gen_ai.output.messages': 'output',
  'gen_ai.system_instructions': 'input',
  'gen_ai.tool.call.arguments': 'input',
  'gen_ai.tool.call.result': 'output',
  'ai.prompt': 'input',
  'ai.prompt.messages': 'input',
  'ai.toolCall.args': 'input',
  'ai.response.text': 'output',
  'ai.response.object': 'output',
  'ai.response.toolCalls': 'output',
  'ai.toolCall.result': 'output',
  'input.value': 'input',
  'output.value': 'output',
  'traceloop.entity.input': 'input',
  'traceloop.entity.output': 'output',
};

const CONVENTION_IO_PREFIXES: [string, MaskField][] = [
  ['gen_ai.prompt.', 'input'],
  ['gen_ai.completion.', 'output'],
  ['llm.input_messages.', 'input'],
  ['llm.output_messages.', 'output'],
];

/** Which of input, output and metadata an attribute carries, if any. */
export function fieldOf(key: string): MaskField | undefined {
  const exact = MASKED_ATTRIBUTES[key] ?? CONVENTION_IO[key];
  if (exact) return exact;
  if (key.startsWith('langfuse.observation.metadata.') || key.startsWith('langfuse.trace.metadata.')) return 'metadata';
  for (const [prefix, field] of CONVENTION_IO_PREFIXES) if (key.startsWith(prefix)) return field;
  return undefined;
}

function parse(value: AttributeValue): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The span as the OTLP path sends it: every input, output and metadata attribute (`langfuse.*` and the other LLM
 * conventions' I/O attributes) run through the user's mask (fail closed), the rest untouched. Spans without such
 * attributes are returned as they are. Message content carried in span events is not masked here.
 */
export function maskSpan(span: ReadableSpan, mask: MaskFunction, onFailure: () => void): ReadableSpan {
  let masked: Attributes | undefined;
  for (const [key, value] of Object.entries(span.attributes)) {
    const field = fieldOf(key);
    if (field === undefined || value === undefined) continue;
    masked ??= { ...span.attributes };
    let result: unknown;
    try {
      result = mask({ data: parse(value), field });
      if (isThenable(result)) throw new TypeError('masks must be synchronous');
    } catch {
      onFailure();
      result = MASK_FAILED;
    }
    masked[key] = typeof result === 'string' ? result : safeJsonStringify(result);
  }
  if (masked === undefined) return span;
  const attributes = masked;
  return Object.create(span, { attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
}
