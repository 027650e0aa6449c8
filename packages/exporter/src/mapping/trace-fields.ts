import {
  RELEASE,
  SESSION_ID,
  TRACE_INPUT,
  TRACE_METADATA,
  TRACE_NAME,
  TRACE_OUTPUT,
  TRACE_PUBLIC,
  TRACE_TAGS,
  USER_ID,
} from './attribute-names.js';
import {
  ROOT_SESSION_ID_ATTRIBUTES,
  SESSION_ID_ATTRIBUTES,
  TAG_ATTRIBUTES,
  USER_ID_ATTRIBUTES,
} from './conventions/registry.js';
import { booleanValue, describeType, stringValue } from './attribute-values.js';
import { applyMask } from './mask.js';
import { readMaskedValue } from './masked-value.js';
import { readMetadata, toMetadataRecord } from './metadata.js';
import { limitId, limitName } from './normalize-length.js';
import { normalizeTags } from './normalize-tags.js';
import type { Note } from './notes.js';
import type { MappingOptions } from './options.js';
import type { SpanAttributes } from './span-attributes.js';

// One reader per trace field: the langfuse.* attribute first, then other conventions' names (in the server's
// order, listed in conventions/registry.ts).

export function readTraceName(attributes: SpanAttributes, note: Note): string | undefined {
  const name = stringValue(attributes.get(TRACE_NAME), TRACE_NAME, note);
  return name === undefined ? undefined : limitName(name, 'trace name', note);
}

export function readUserId(attributes: SpanAttributes, note: Note): string | undefined {
  const id =
    stringValue(attributes.get(USER_ID), USER_ID, note) ??
    stringValue(attributes.getAlias(USER_ID_ATTRIBUTES), 'user id', note);
  return id === undefined ? undefined : limitId(id, 'user id', note);
}

export function readSessionId(attributes: SpanAttributes, isLocalRoot: boolean, note: Note): string | undefined {
  const id =
    stringValue(attributes.get(SESSION_ID), SESSION_ID, note) ??
    stringValue(attributes.getAlias(SESSION_ID_ATTRIBUTES), 'session id', note) ??
    (isLocalRoot ? stringValue(attributes.getAlias(ROOT_SESSION_ID_ATTRIBUTES), 'session id', note) : undefined);
  return id === undefined ? undefined : limitId(id, 'session id', note);
}

export function readTags(attributes: SpanAttributes, note: Note): string[] | undefined {
  return normalizeTags(attributes.get(TRACE_TAGS), note) ?? normalizeTags(attributes.getAlias(TAG_ATTRIBUTES), note);
}

export function readPublic(attributes: SpanAttributes, note: Note): boolean | undefined {
  const value = attributes.get(TRACE_PUBLIC);
  if (value === undefined) return undefined;
  const flag = booleanValue(value);
  if (flag === undefined) {
    note('public-invalid', `${TRACE_PUBLIC} must be a boolean or "true"/"false", got ${describeType(value)}; dropped`);
  }
  return flag;
}

export function readTraceMetadata(
  attributes: SpanAttributes,
  options: MappingOptions,
  note: Note,
): Record<string, unknown> | undefined {
  const metadata = readMetadata(attributes, TRACE_METADATA, attributes.traceMetadataKeys, note);
  return metadata === undefined ? undefined : toMetadataRecord(applyMask(options.mask, metadata, 'metadata', note));
}

export function readTraceInput(attributes: SpanAttributes, options: MappingOptions, note: Note): unknown {
  return readMaskedValue(attributes, TRACE_INPUT, 'input', options, note);
}

export function readTraceOutput(attributes: SpanAttributes, options: MappingOptions, note: Note): unknown {
  return readMaskedValue(attributes, TRACE_OUTPUT, 'output', options, note);
}

export function readRelease(attributes: SpanAttributes, note: Note): string | undefined {
  return stringValue(attributes.get(RELEASE), RELEASE, note);
}
