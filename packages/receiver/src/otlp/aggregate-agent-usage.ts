import type { SpanMapper } from '@otel-langfuse/exporter/mapping';
import type { SpanAttributes } from './readable-span.js';

type MappedEvent = ReturnType<SpanMapper['map']>[number];

/*
 * Langfuse's OTLP mapping (since v3.206.0) takes no model, usage or cost from a span whose `gen_ai.operation.name` is
 * `invoke_agent` or `agent_step`, whatever else it carries (explicit `langfuse.observation.*` included): the Vercel
 * AI SDK 7 writes its children's totals there, and counting them would double every trace's usage and cost. Kept
 * here, apart from the exporter's mapping, so a sender that still puts usage on such a span is stored as the server
 * stores it.
 */
const AGGREGATE_OPERATIONS: ReadonlySet<unknown> = new Set(['invoke_agent', 'agent_step']);

export function isAggregateAgentSpan(attributes: SpanAttributes): boolean {
  return AGGREGATE_OPERATIONS.has(attributes['gen_ai.operation.name']);
}

/** The span's own observation without model, usage and cost; other events as they are. */
export function withoutAggregateAgentUsage(event: MappedEvent, spanId: string): MappedEvent {
  if (event.type === 'trace-create' || event.body.id !== spanId) return event;
  const { model, usageDetails, costDetails, ...body } = event.body;
  if (model === undefined && usageDetails === undefined && costDetails === undefined) return event;
  return { ...event, body };
}
