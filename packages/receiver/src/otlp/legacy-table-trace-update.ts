import type { SpanMapper } from '@otel-langfuse/exporter/mapping';

type MappedEvent = ReturnType<SpanMapper['map']>[number];

/** Fields a server's OTLP mapping always writes into the trace-create of a span that updates its trace. */
const SHALLOW_FIELDS = new Set(['id', 'timestamp', 'environment']);

/**
 * How a server that writes the legacy tables (v3; v4 in `legacy`/`dual` mode) stores a span's trace-create from
 * OTLP: stamped with the span's start (its sort key in the worker), and, for a span that is not the trace's root
 * but carries trace attributes, a whole trace update: a release it does not carry is null and a `public` it does
 * not carry is false, so either resets what the root set when the update is processed after it.
 */
export function asLegacyTableTraceCreate(event: MappedEvent, isRoot: boolean): MappedEvent {
  if (event.type !== 'trace-create') return event;
  const body = { ...event.body };
  const timestamp = body.timestamp ?? event.timestamp;
  const updatesTrace = !isRoot && Object.keys(body).some((key) => !SHALLOW_FIELDS.has(key));
  if (updatesTrace) {
    (body as { release?: string | null }).release ??= null;
    body.public ??= false;
  }
  return { ...event, timestamp, body };
}
