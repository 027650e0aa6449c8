import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MASK_FAILED, type MaskFunction } from './mapping/index.js';
import { safeJsonStringify } from './safe-json.js';

type MaskField = 'input' | 'output' | 'metadata';

const MASKED_ATTRIBUTES: Record<string, MaskField> = {
  'langfuse.observation.input': 'input',
  'langfuse.observation.output': 'output',
  'langfuse.trace.input': 'input',
  'langfuse.trace.output': 'output',
  'langfuse.observation.metadata': 'metadata',
  'langfuse.trace.metadata': 'metadata',
};

function fieldOf(key: string): MaskField | undefined {
  const exact = MASKED_ATTRIBUTES[key];
  if (exact) return exact;
  if (key.startsWith('langfuse.observation.metadata.') || key.startsWith('langfuse.trace.metadata.')) return 'metadata';
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
 * The span as the OTLP path sends it: every `langfuse.*` input, output and metadata attribute run through the
 * user's mask (fail closed), the rest untouched. Spans without such attributes are returned as they are.
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
