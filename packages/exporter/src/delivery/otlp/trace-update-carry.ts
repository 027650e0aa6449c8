import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AS_ROOT, RELEASE, SESSION_ID, TRACE_METADATA_PREFIX, TRACE_PUBLIC, USER_ID } from '../../mapping/attribute-names.js';

/** The attributes that make a span a trace update on the server's OTLP path (besides `langfuse.trace.metadata.*`). */
const TRACE_UPDATE_KEYS = [
  'langfuse.trace.name',
  'langfuse.trace.input',
  'langfuse.trace.output',
  'langfuse.trace.metadata',
  'langfuse.trace.tags',
  TRACE_PUBLIC,
  USER_ID,
  SESSION_ID,
  'user.id',
  'session.id',
];

interface TraceFacts {
  public?: true;
  release?: string;
}

const MAX_TRACES = 10_000;

function updatesTrace(attributes: Attributes): boolean {
  if (TRACE_UPDATE_KEYS.some((key) => attributes[key] !== undefined)) return true;
  for (const key in attributes) if (key.startsWith(TRACE_METADATA_PREFIX)) return true;
  return false;
}

function isRoot(span: ReadableSpan): boolean {
  const asRoot = span.attributes[AS_ROOT];
  return span.parentSpanContext === undefined || asRoot === true || asRoot === 'true';
}

/**
 * A server writing the legacy tables (v3, v4 `legacy`/`dual`) turns each child span carrying trace attributes into a
 * whole trace update, where a missing `langfuse.release` is stored as null and a missing `langfuse.trace.public` as
 * false, processed after the root (it starts later). So once a trace is known public or released (from any span of
 * the batch, or of an earlier one: the last 10 000 traces are remembered), its trace-updating children carry the
 * same values. Other spans are left as they are.
 */
export function createTraceUpdateCarry(): (spans: readonly ReadableSpan[]) => ReadableSpan[] {
  const known = new Map<string, TraceFacts>();
  const remember = (traceId: string, facts: TraceFacts) => {
    known.delete(traceId);
    known.set(traceId, facts);
    if (known.size > MAX_TRACES) known.delete(known.keys().next().value as string);
  };

  return (spans) => {
    const batch = new Map<string, TraceFacts>();
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      const attributes = span.attributes;
      const isPublic = attributes[TRACE_PUBLIC] === true || attributes[TRACE_PUBLIC] === 'true';
      const release = attributes[RELEASE];
      if (!isPublic && typeof release !== 'string') continue;
      const facts = batch.get(traceId) ?? { ...known.get(traceId) };
      if (isPublic) facts.public = true;
      if (typeof release === 'string' && release !== '') facts.release = release;
      batch.set(traceId, facts);
    }
    for (const [traceId, facts] of batch) remember(traceId, facts);
    return spans.map((span) => {
      const traceId = span.spanContext().traceId;
      const facts = batch.get(traceId) ?? known.get(traceId);
      if (facts === undefined || isRoot(span) || !updatesTrace(span.attributes)) return span;
      const added: Attributes = {};
      if (facts.public && span.attributes[TRACE_PUBLIC] === undefined) added[TRACE_PUBLIC] = true;
      if (facts.release !== undefined && span.attributes[RELEASE] === undefined) added[RELEASE] = facts.release;
      if (Object.keys(added).length === 0) return span;
      const attributes = { ...span.attributes, ...added };
      return Object.create(span, { attributes: { value: attributes, enumerable: true } }) as ReadableSpan;
    });
  };
}
