import type { Attributes, AttributeValue } from '@opentelemetry/api';
import {
  LANGFUSE_PREFIX,
  OBSERVATION_METADATA_PREFIX,
  RELEASE,
  SESSION_ID,
  TRACE_METADATA_PREFIX,
  TRACE_PREFIX,
  USER_ID,
} from './attribute-names.js';
import { TRACE_LEVEL_ATTRIBUTES, isConventionKey } from './conventions/registry.js';

const TRACE_LEVEL_NAMES: ReadonlySet<string> = new Set([USER_ID, SESSION_ID, RELEASE, ...TRACE_LEVEL_ATTRIBUTES]);

const NONE: readonly string[] = Object.freeze([]);

// Measured on Node 20: slice + === is several times faster than startsWith for these short prefixes.
function hasPrefix(key: string, prefix: string): boolean {
  return key.length >= prefix.length && key.slice(0, prefix.length) === prefix;
}

/**
 * A span's attributes, scanned once: which keys are prefixed metadata keys, which are foreign (non-`langfuse.*`),
 * whether any trace-level attribute is present and whether any other LLM convention's attribute is (only then
 * does the convention layer run). Field readers read through `get` (langfuse names) and `getAlias` / `consume`
 * (other conventions' names, which are then left out of the metadata's `attributes` copy).
 */
export class SpanAttributes {
  readonly values: Attributes;
  /** Non-`langfuse.*` keys, in attribute order. */
  readonly foreignKeys: readonly string[];
  readonly observationMetadataKeys: readonly string[];
  readonly traceMetadataKeys: readonly string[];
  readonly hasTraceAttribute: boolean;
  /** Any `gen_ai.*`, `ai.*`, `llm.*`, `openinference.*`, `traceloop.*`, `input.value`, `output.value` key. */
  readonly hasConventionAttribute: boolean;
  /** Spans from other instrumentation often have no `langfuse.*` key: their lookups then cost nothing. */
  private readonly hasLangfuseAttribute: boolean;
  private consumed: Set<string> | undefined;

  constructor(values: Attributes) {
    this.values = values;
    const keys = Object.keys(values);
    let foreign: string[] | undefined;
    let observationMetadata: string[] | undefined;
    let traceMetadata: string[] | undefined;
    let hasTrace = false;
    let hasConvention = false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.charCodeAt(0) === 0x6c /* l */ && hasPrefix(key, LANGFUSE_PREFIX)) {
        // Keys before the first langfuse.* one were all foreign.
        foreign ??= keys.slice(0, i);
        const segment = key.charCodeAt(LANGFUSE_PREFIX.length);
        if (segment === 0x6f /* o */) {
          if (hasPrefix(key, OBSERVATION_METADATA_PREFIX)) (observationMetadata ??= []).push(key);
        } else if (segment === 0x74 /* t */ && hasPrefix(key, TRACE_PREFIX)) {
          hasTrace = true;
          if (hasPrefix(key, TRACE_METADATA_PREFIX)) (traceMetadata ??= []).push(key);
        } else if (TRACE_LEVEL_NAMES.has(key)) {
          hasTrace = true;
        }
      } else {
        foreign?.push(key);
        if (TRACE_LEVEL_NAMES.has(key)) hasTrace = true;
        if (!hasConvention && isConventionKey(key)) hasConvention = true;
      }
    }
    this.hasLangfuseAttribute = foreign !== undefined;
    this.foreignKeys = foreign ?? keys;
    this.observationMetadataKeys = observationMetadata ?? NONE;
    this.traceMetadataKeys = traceMetadata ?? NONE;
    this.hasTraceAttribute = hasTrace;
    this.hasConventionAttribute = hasConvention;
  }

  /** The value of a `langfuse.*` attribute (other names: `getAlias` or `values`). */
  get(name: string): AttributeValue | undefined {
    return this.hasLangfuseAttribute ? this.values[name] : undefined;
  }

  /** The value of the first present name; that name counts as mapped and is left out of the metadata copy. */
  getAlias(names: readonly string[]): AttributeValue | undefined {
    for (const name of names) {
      const value = this.values[name];
      if (value !== undefined) {
        (this.consumed ??= new Set()).add(name);
        return value;
      }
    }
    return undefined;
  }

  /** Marks `name` as mapped: left out of the metadata copy. */
  consume(name: string): void {
    (this.consumed ??= new Set()).add(name);
  }

  isConsumed(name: string): boolean {
    return this.consumed !== undefined && this.consumed.has(name);
  }
}
