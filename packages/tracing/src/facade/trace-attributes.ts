import type { Attributes } from '@opentelemetry/api';
import type { MaskFunction } from '@otel-langfuse/exporter';
import {
  ENVIRONMENT,
  RELEASE,
  SESSION_ID,
  TRACE_INPUT,
  TRACE_METADATA,
  TRACE_NAME,
  TRACE_OUTPUT,
  TRACE_PUBLIC,
  TRACE_TAGS,
  USER_ID,
  VERSION,
} from '../attribute-names.js';
import { log } from '../logger.js';
import { setMaskedValue, setMetadata } from '../values/io-attributes.js';
import { safeRead, stringField } from '../values/safe-read.js';

export interface TraceAttributeUpdate {
  /** Attributes every later span of the trace carries: user, session, tags, metadata, version, environment. */
  propagated: Attributes;
  /** Attributes written once: release, public (and, when explicit, name, input, output). */
  once: Attributes;
  /** All tags so far, when the update added any. */
  tags: string[] | undefined;
}

const MAX_TAGS = 100;

/**
 * The attributes of trace fields (see `TraceFields`). `explicit` also writes `name`, `input` and `output` as
 * trace attributes; otherwise the caller maps them onto the root observation. Never throws.
 */
export function traceAttributes(
  fields: unknown,
  mask: MaskFunction | undefined,
  tagsSoFar: readonly string[],
  explicit: boolean,
): TraceAttributeUpdate {
  const update: TraceAttributeUpdate = { propagated: {}, once: {}, tags: undefined };
  if (typeof fields !== 'object' || fields === null) return update;
  const field = (key: string) => safeRead(fields, key);
  const { propagated, once } = update;

  const userId = stringField(field('userId'));
  if (userId !== undefined) propagated[USER_ID] = userId;
  const sessionId = stringField(field('sessionId'));
  if (sessionId !== undefined) propagated[SESSION_ID] = sessionId;
  const tags = mergeTags(tagsSoFar, field('tags'));
  if (tags !== undefined) {
    update.tags = tags;
    propagated[TRACE_TAGS] = tags;
  }
  setMetadata(propagated, TRACE_METADATA, field('metadata'), mask);
  const version = stringField(field('version'));
  if (version !== undefined) propagated[VERSION] = version;
  const environment = stringField(field('environment'));
  if (environment !== undefined) propagated[ENVIRONMENT] = environment;

  const release = stringField(field('release'));
  if (release !== undefined) once[RELEASE] = release;
  const isPublic = field('public');
  if (typeof isPublic === 'boolean') once[TRACE_PUBLIC] = isPublic;
  if (explicit) {
    const name = stringField(field('name'));
    if (name !== undefined) once[TRACE_NAME] = name;
    setMaskedValue(once, TRACE_INPUT, field('input'), 'input', mask);
    setMaskedValue(once, TRACE_OUTPUT, field('output'), 'output', mask);
  }
  return update;
}

/** Tags only accumulate over a trace's updates, as on the server, up to `MAX_TAGS`. Undefined when nothing new was given. */
function mergeTags(current: readonly string[], value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const merged = new Set(current);
  const before = merged.size;
  try {
    for (const tag of value.slice(0, MAX_TAGS)) {
      const text = stringField(tag)?.trim();
      if (!text || merged.has(text)) continue;
      if (merged.size >= MAX_TAGS) {
        log.once('warn', 'trace-tags-capped', `a trace has ${MAX_TAGS} tags; further tags are ignored`);
        break;
      }
      merged.add(text);
    }
  } catch {
    return undefined;
  }
  return merged.size === before ? undefined : [...merged];
}
