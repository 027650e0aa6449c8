import { describeType } from './attribute-values.js';
import { NOT_JSON, tryParseJson } from './json-attribute.js';
import type { Note } from './notes.js';

/**
 * Trace tags from a string[] attribute, a JSON array string or a comma-separated string: trimmed, without
 * empty ones, deduplicated (first occurrence order). Undefined when nothing remains.
 */
export function normalizeTags(value: unknown, note: Note): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let items: readonly unknown[];
  if (Array.isArray(value)) {
    items = value;
  } else if (typeof value === 'string') {
    const parsed = value.startsWith('[') ? tryParseJson(value) : NOT_JSON;
    items = Array.isArray(parsed) ? parsed : value.split(',');
  } else {
    note('tags-invalid', `tags must be a string array or string, got ${describeType(value)}; dropped`);
    return undefined;
  }
  const tags = new Set<string>();
  let skipped = 0;
  for (const item of items) {
    let text: string;
    if (typeof item === 'string') text = item.trim();
    else if (typeof item === 'number' || typeof item === 'boolean') text = String(item);
    else {
      if (item !== null && item !== undefined) skipped++;
      continue;
    }
    if (text !== '') tags.add(text);
  }
  if (skipped > 0) note('tags-invalid', `${skipped} tag(s) that were not strings were dropped`);
  return tags.size === 0 ? undefined : [...tags];
}
