import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { NOT_JSON, isPlainObject, parseJsonAttribute, tryParseJson } from '../json-attribute.js';

/** The span's scanned attributes, as a convention reads them (the mapping's `SpanAttributes`). */
export interface ScannedAttributes {
  readonly values: Attributes;
  /** Non-`langfuse.*` keys, in attribute order. */
  readonly foreignKeys: readonly string[];
  /** Marks a key as mapped: it is left out of the metadata's `attributes` copy. */
  consume(name: string): void;
}

/**
 * What a convention's readers see of one span: its attributes (lookups that mark what they used, so the
 * observation's metadata leaves it out), its events, its scope and start time. Made only for spans that carry
 * another convention's attributes or events; plain `langfuse.*` spans never pay for it.
 */
export class ConventionSpan {
  readonly values: Readonly<Record<string, AttributeValue | undefined>>;
  readonly name: string;
  readonly scopeName: string;
  readonly events: readonly TimedEvent[];
  readonly startTime: ReadableSpan['startTime'];
  /** The Vercel AI SDK's spans: scope `ai` (its default tracer), or its `ai.operationId` under a user's tracer. */
  readonly isVercelAi: boolean;
  private consumedEvents: Set<TimedEvent> | undefined;

  constructor(
    private readonly attributes: ScannedAttributes,
    span: ReadableSpan,
    scopeName: string | undefined,
  ) {
    this.values = attributes.values;
    this.name = String(span.name);
    this.scopeName = scopeName ?? '';
    this.events = span.events ?? [];
    this.startTime = span.startTime;
    this.isVercelAi = this.scopeName === 'ai' || this.values['ai.operationId'] !== undefined;
  }

  /** The value, without marking it used (for classification). */
  peek(name: string): AttributeValue | undefined {
    return this.values[name];
  }

  /** The value; when present it counts as mapped and is left out of the metadata copy. `""` counts as absent. */
  take(name: string): AttributeValue | undefined {
    const value = this.values[name];
    if (value === undefined || value === '') return undefined;
    this.attributes.consume(name);
    return value;
  }

  /** The first present value of `names` (only that one is marked used). */
  takeFirst(names: readonly string[]): AttributeValue | undefined {
    for (const name of names) {
      const value = this.take(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  consume(name: string): void {
    if (this.values[name] !== undefined) this.attributes.consume(name);
  }

  /** The span's non-`langfuse.*` attribute keys that start with `prefix`, in attribute order. */
  keysWithPrefix(prefix: string): string[] {
    const result: string[] = [];
    for (const key of this.attributes.foreignKeys) {
      if (key.length > prefix.length && key.startsWith(prefix)) result.push(key);
    }
    return result;
  }

  consumeEvent(event: TimedEvent): void {
    (this.consumedEvents ??= new Set()).add(event);
  }

  isEventConsumed(event: TimedEvent): boolean {
    return this.consumedEvents !== undefined && this.consumedEvents.has(event);
  }
}

/** How a convention encodes a value (see {@link fieldValue}). */
export type ValueKind = 'json' | 'text' | 'structured';

/**
 * An attribute value as a field value: `json` parses any JSON text (like the `langfuse.*` attributes), `text`
 * keeps model text such as `"4"` a string, `structured` parses only object/array JSON. Arrays are copied, so a
 * mask editing the result never changes the span.
 */
export function fieldValue(value: AttributeValue | undefined, kind: ValueKind): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (kind === 'json') return parseJsonAttribute(value);
  if (typeof value !== 'string') return Array.isArray(value) ? value.slice() : value;
  if (kind === 'text') return value;
  return parseStructured(value);
}

/** Object/array JSON text parsed; anything else as it is. */
export function parseStructured(value: unknown): unknown {
  if (typeof value !== 'string') return Array.isArray(value) ? value.slice() : value;
  const c = value.charCodeAt(0);
  if (c !== 0x7b /* { */ && c !== 0x5b /* [ */) return value;
  const parsed = tryParseJson(value);
  return parsed === NOT_JSON ? value : parsed;
}

/** Not null/undefined, not an empty string, not an empty array (what the server counts as "set"). */
export function hasMeaningfulValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A finite number from a number or numeric text; undefined otherwise. */
export function numberValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A record from a JSON object text (or an object); undefined for anything else. */
export function objectValue(value: unknown): Record<string, unknown> | undefined {
  const parsed = typeof value === 'string' ? tryParseJson(value) : value;
  return isPlainObject(parsed) ? parsed : undefined;
}

/** A field a convention can supply: the value, or undefined to let the next source try. */
export type Source<T> = (span: ConventionSpan) => T | undefined;

/**
 * An input or output carrier. `discard` marks its attributes/events as mapped without reading them: once a
 * higher-priority source has supplied the field, the other encodings of the same messages are duplicates that
 * would only bloat the metadata (or become event observations).
 */
export interface IoSource {
  read(span: ConventionSpan): unknown;
  discard(span: ConventionSpan): void;
}

/** An I/O source that reads the first present attribute of `names`. */
export function attributeIo(names: readonly string[], kind: ValueKind): IoSource {
  return {
    read: (span) => fieldValue(span.takeFirst(names), kind),
    discard: (span) => {
      for (const name of names) span.consume(name);
    },
  };
}
