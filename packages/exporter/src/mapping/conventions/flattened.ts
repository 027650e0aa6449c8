import { isPlainObject } from '../json-attribute.js';
import { type ConventionSpan, type IoSource, type ValueKind, fieldValue } from './convention-span.js';

/*
 * Conventions that cannot put a list in an attribute flatten it: `gen_ai.prompt.0.role`,
 * `llm.input_messages.1.message.content`, `...tool_calls.0.tool_call.function.name`. These helpers rebuild
 * the list. Nested numeric segments become arrays too; holes are closed up, order is by index.
 */

const INDEX = /^\d{1,9}$/;
const MAX_DEPTH = 12;
const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', '']);

type Tree = Record<string, unknown>;

/** Objects whose keys are all indexes become arrays (ordered by index), recursively. */
function finalize(node: unknown): unknown {
  if (!isPlainObject(node)) return node;
  const keys = Object.keys(node);
  let allIndexes = keys.length > 0;
  for (const key of keys) {
    node[key] = finalize(node[key]);
    if (allIndexes && !INDEX.test(key)) allIndexes = false;
  }
  if (!allIndexes) return node;
  return keys
    .map((key) => [Number(key), node[key]] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, value]) => value);
}

/** Sets `value` at `path` under `node`, creating objects; false (nothing changed) on an unsafe path or a conflict. */
function setPath(node: Tree, path: readonly string[], value: unknown): boolean {
  if (path.length > MAX_DEPTH) return false;
  for (const segment of path) if (UNSAFE_SEGMENTS.has(segment)) return false;
  let current = node;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const next = current[segment];
    if (next === undefined) current = current[segment] = {};
    else if (isPlainObject(next)) current = next;
    else return false; // `a.b` = "x" and `a.b.c` = "y": the first stays, the other is left in the metadata
  }
  const last = path[path.length - 1]!;
  if (current[last] !== undefined) return false;
  current[last] = value;
  return true;
}

/** Where the 1-9 digit index starting at `start` in `key` ends (at a dot), else -1. */
function indexEnd(key: string, start: number): number {
  let i = start;
  for (; i < key.length && i - start < 10; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
  }
  return i === start || i - start > 9 || key.charCodeAt(i) !== 0x2e /* . */ ? -1 : i;
}

/**
 * The list flattened under `prefix` (e.g. `gen_ai.prompt`): keys `<prefix>.<index>.<path>`. Keys that don't have
 * that shape are left alone; the ones used are marked as mapped. Undefined when there are none.
 */
export function rebuildFlattenedList(span: ConventionSpan, prefix: string, kind: ValueKind): unknown[] | undefined {
  const dotted = `${prefix}.`;
  const keys = span.keysWithPrefix(dotted);
  if (keys.length === 0) return undefined;
  let items: Map<number, Tree> | undefined;
  let nested = false;
  for (const key of keys) {
    const end = indexEnd(key, dotted.length);
    if (end < 0) continue;
    const index = Number(key.slice(dotted.length, end));
    const rest = key.slice(end + 1);
    const value = fieldValue(span.values[key], kind);
    if (value === undefined) {
      span.consume(key);
      continue;
    }
    items ??= new Map();
    const item = items.get(index) ?? {};
    if (rest.indexOf('.') === -1) {
      if (UNSAFE_SEGMENTS.has(rest) || item[rest] !== undefined) continue;
      item[rest] = value;
    } else {
      if (!setPath(item, rest.split('.'), value)) continue;
      nested = true;
    }
    items.set(index, item);
    span.consume(key);
  }
  if (items === undefined || items.size === 0) return undefined;
  const list = items;
  return [...list.keys()].sort((a, b) => a - b).map((index) => (nested ? finalize(list.get(index)) : list.get(index)));
}

/** Marks every `<prefix>.<...>` key as mapped. */
export function discardFlattened(span: ConventionSpan, prefix: string): void {
  for (const key of span.keysWithPrefix(`${prefix}.`)) span.consume(key);
}

/**
 * An I/O source for a list kept either whole in `<prefix>` (JSON) or flattened under `<prefix>.N.*`, each item
 * post-processed by `item` (e.g. to unwrap a convention's per-item wrapper object).
 */
export function flattenedListIo(prefix: string, kind: ValueKind, item?: (value: unknown) => unknown): IoSource {
  return {
    read(span) {
      const whole = fieldValue(span.take(prefix), 'json');
      if (whole !== undefined) return whole;
      const list = rebuildFlattenedList(span, prefix, kind);
      return list === undefined || item === undefined ? list : list.map(item);
    },
    discard(span) {
      span.consume(prefix);
      discardFlattened(span, prefix);
    },
  };
}
