import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { StatsRecorder } from '../diagnostics/exporter-stats.js';
import type { EventOutcome } from './event-outcome.js';
import type { SerializedEvent } from '../events/serialized-event.js';
import type { TraceCreateMemory } from '../events/trace-create-memory.js';

/** Adds `item` to its reason's list. */
function collect<T>(into: Map<string, T[]> | undefined, reason: string, item: T): void {
  if (!into) return;
  const list = into.get(reason);
  if (list) list.push(item);
  else into.set(reason, [item]);
}

/**
 * Counts what happened to each span sent over OTLP (the unit there is the span) into the same counters;
 * `failed`, when given, receives the spans not delivered by reason (for the dead-letter).
 */
export function accountSpanOutcomes<K>(outcomes: ReadonlyMap<K, EventOutcome>, stats: StatsRecorder, failed?: Map<string, K[]>): ExportResult {
  const failures = new Map<string, number>();
  for (const [key, outcome] of outcomes) {
    if (outcome.kind === 'accepted') {
      stats.add('spansExported');
      continue;
    }
    if (outcome.kind === 'rejected') stats.reject(outcome.reason);
    else stats.drop(outcome.reason);
    failures.set(outcome.reason, (failures.get(outcome.reason) ?? 0) + 1);
    collect(failed, outcome.reason, key);
  }
  return toResult(failures, 'spans');
}

/** Both results succeeded, or the first failure. */
export function combineResults(a: ExportResult, b: ExportResult): ExportResult {
  return a.code !== ExportResultCode.SUCCESS ? a : b;
}

function toResult(failures: ReadonlyMap<string, number>, unit: string): ExportResult {
  if (failures.size === 0) return { code: ExportResultCode.SUCCESS };
  const summary = [...failures].map(([reason, n]) => `${n} ${reason}`).join(', ');
  return { code: ExportResultCode.FAILED, error: new Error(`LangfuseSpanExporter: ${unit} not delivered: ${summary}`) };
}

/**
 * Counts what happened to each event, remembers delivered trace-creates, and turns it into the export's result;
 * `failed`, when given, receives the events not delivered by reason (for the dead-letter).
 */
export function accountOutcomes(
  events: readonly SerializedEvent[],
  outcomes: ReadonlyMap<SerializedEvent, EventOutcome>,
  stats: StatsRecorder,
  memory: TraceCreateMemory,
  failed?: Map<string, SerializedEvent[]>,
): ExportResult {
  const failedSpans = new Set<string>();
  const deliveredSpans = new Set<string>();
  const failures = new Map<string, number>();
  let sent = 0;
  for (const event of events) {
    const outcome = outcomes.get(event) ?? { kind: 'dropped', reason: 'unsettled' };
    if (outcome.kind === 'accepted') {
      sent++;
      if (event.spanId) deliveredSpans.add(event.spanId);
      if (event.fingerprint && event.event.type === 'trace-create') memory.rememberSent(event.event.body.id, event.fingerprint);
      continue;
    }
    if (outcome.kind === 'rejected') stats.reject(outcome.reason);
    else stats.drop(outcome.reason);
    failures.set(outcome.reason, (failures.get(outcome.reason) ?? 0) + 1);
    collect(failed, outcome.reason, event);
    if (event.spanId) failedSpans.add(event.spanId);
  }
  stats.add('eventsSent', sent);
  let exported = 0;
  for (const spanId of deliveredSpans) if (!failedSpans.has(spanId)) exported++;
  stats.add('spansExported', exported);
  return toResult(failures, 'events');
}
