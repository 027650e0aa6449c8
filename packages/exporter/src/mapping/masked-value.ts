import { parseJsonAttribute, parseJsonAttributeKeepingText } from './json-attribute.js';
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
  if (value === undefined) return undefined;
  return options.mask === undefined ? parseJsonAttributeKeepingText(value) : applyMask(options.mask, parseJsonAttribute(value), field, note);
}
