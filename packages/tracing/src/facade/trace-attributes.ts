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
import { stringField } from '../values/safe-read.js';
import type { TraceFieldValues } from './read-fields.js';

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
 * The attributes of trace fields (see `TraceFields`; as `readTraceFields` read them). `explicit` also writes `name`,
 * `input` and `output` as trace attributes; otherwise the caller maps them onto the root observation. Never throws.
 */
export function traceAttributes(
  fields: TraceFieldValues,
  mask: MaskFunction | undefined,
  tagsSoFar: readonly string[],
  explicit: boolean,
): TraceAttributeUpdate {
  const update: TraceAttributeUpdate = { propagated: {}, once: {}, tags: undefined };
  const { propagated, once } = update;

  const userId = stringField(fields.userId);
  if (userId !== undefined) propagated[USER_ID] = userId;
  const sessionId = stringField(fields.sessionId);
  if (sessionId !== undefined) propagated[SESSION_ID] = sessionId;
  const tags = mergeTags(tagsSoFar, fields.tags);
  if (tags !== undefined) {
    update.tags = tags;
    propagated[TRACE_TAGS] = tags;
  }
  setMetadata(propagated, TRACE_METADATA, fields.metadata, mask);
  const version = stringField(fields.version);
  if (version !== undefined) propagated[VERSION] = version;
  const environment = stringField(fields.environment);
  if (environment !== undefined) propagated[ENVIRONMENT] = environment;

  const release = stringField(fields.release);
  if (release !== undefined) once[RELEASE] = release;
  const isPublic = fields.public;
  if (typeof isPublic === 'boolean') once[TRACE_PUBLIC] = isPublic;
  if (explicit) {
    const name = stringField(fields.name);
    if (name !== undefined) once[TRACE_NAME] = name;
    setMaskedValue(once, TRACE_INPUT, fields.input, 'input', mask);
    setMaskedValue(once, TRACE_OUTPUT, fields.output, 'output', mask);
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
