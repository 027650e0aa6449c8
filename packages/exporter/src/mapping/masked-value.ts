import { parseJsonAttribute } from './json-attribute.js';
import { applyMask } from './mask.js';
import type { Note } from './notes.js';
import type { MappingOptions } from './options.js';
import type { SpanAttributes } from './span-attributes.js';

/** An input/output attribute: parsed when it is JSON, then masked. */
export function readMaskedValue(
  attributes: SpanAttributes,
  name: string,
  field: 'input' | 'output',
  options: MappingOptions,
  note: Note,
): unknown {
  const value = attributes.get(name);
  return value === undefined ? undefined : applyMask(options.mask, parseJsonAttribute(value), field, note);
}
