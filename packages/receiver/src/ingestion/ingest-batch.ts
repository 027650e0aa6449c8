import type { EventStore } from '../store/event-store.js';
import type { EventValidator } from './event-validator.js';
import { isIngestionEventType } from '../events/event-types.js';
import type { EventErrorsSpec } from '../modes/fault-script.js';
import type { BatchSummary, EventOutcome } from '../config/receiver-options.js';
import type { ReceiverStats } from '../store/receiver-stats.js';
import { modeRejection, type ModePolicy } from '../modes/server-mode.js';
import type { StoredEvent } from '../events/stored-event.js';

/** One item of a 207 answer. */
export interface IngestionResultItem {
  id: string;
  status: number;
  message?: string;
  error?: unknown;
}

export interface IngestionResponse {
  successes: IngestionResultItem[];
  errors: IngestionResultItem[];
}

export interface IngestContext {
  validator: EventValidator;
  policy: ModePolicy;
  store: EventStore;
  stats: ReceiverStats;
  /** Called once per newly stored event (e.g. the JSONL sink). */
  onStored(event: StoredEvent): void;
  onEvent?: (event: unknown, outcome: EventOutcome) => void;
}

type Decision = { accepted: true; event: StoredEvent; unknownFields: number } | { accepted: false; item: IngestionResultItem };

/** Where a batch came from. */
export type IngestOrigin = 'ingestion' | 'otlp';

export interface IngestOptions {
  /** Per-event errors a fault step injects (legacy path only). */
  eventFault?: EventErrorsSpec;
  /**
   * 'otlp': events the receiver mapped from OTLP spans. The legacy path's per-mode event type rules do not apply,
   * and an event that fails validation is a bug in the receiver or the mapping: counted in
   * `stats.otlpMappingErrors` (not `eventsRejected`) and reported with status 500. Default 'ingestion'.
   */
  origin?: IngestOrigin;
}

/** Decides, stores and reports every event of a batch; the result is the 207 body. */
export function ingestBatch(
  batch: readonly unknown[],
  context: IngestContext,
  options: IngestOptions = {},
): { response: IngestionResponse; summary: BatchSummary } {
  const origin = options.origin ?? 'ingestion';
  const response: IngestionResponse = { successes: [], errors: [] };
  const summary: BatchSummary = {
    path: origin,
    received: batch.length,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    storedByType: {},
  };
  context.stats.eventsReceived += batch.length;
  try {
    for (const raw of batch) {
      const decision = decide(raw, context, options.eventFault, origin);
      let outcome: EventOutcome;
      if (decision.accepted) {
        const { event } = decision;
        const stored = context.store.add(event);
        response.successes.push({ id: event.id, status: 201 });
        summary.accepted++;
        context.stats.eventsAccepted++;
        context.stats.unknownFields += decision.unknownFields;
        if (stored) {
          summary.storedByType[event.type] = (summary.storedByType[event.type] ?? 0) + 1;
          context.onStored(event);
          outcome = { accepted: true, status: 201 };
        } else {
          summary.duplicates++;
          context.stats.duplicateEnvelopeIds++;
          outcome = { accepted: true, status: 201, message: 'Duplicate envelope id: already stored' };
        }
      } else {
        response.errors.push(decision.item);
        summary.rejected++;
        if (origin === 'otlp') context.stats.otlpMappingErrors++;
        else context.stats.eventsRejected++;
        outcome = { accepted: false, status: decision.item.status, message: decision.item.message };
      }
      context.onEvent?.(raw, outcome);
    }
  } finally {
    context.store.notify();
  }
  return { response, summary };
}

function decide(
  raw: unknown,
  context: IngestContext,
  eventFault: EventErrorsSpec | undefined,
  origin: IngestOrigin,
): Decision {
  const id = envelopeId(raw);
  if (eventFault && (eventFault.match?.(raw) ?? true)) {
    return {
      accepted: false,
      item: {
        id,
        status: eventFault.status,
        message: eventFault.message ?? `Injected per-event error (status ${eventFault.status})`,
        error: 'Injected by the receiver fault script',
      },
    };
  }
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (origin === 'ingestion' && isIngestionEventType(type)) {
    const rejection = modeRejection(type, context.policy);
    if (rejection) return { accepted: false, item: { id, ...rejection } };
  }
  const validation = context.validator.validateEvent(raw);
  if (!validation.valid) {
    if (origin === 'otlp') {
      const message = `Receiver bug: an event mapped from an OTLP span failed validation: ${validation.message}`;
      return { accepted: false, item: { id, status: 500, message, error: validation.issues } };
    }
    return { accepted: false, item: { id, status: 400, message: validation.message, error: validation.issues } };
  }
  return { accepted: true, event: validation.event, unknownFields: validation.unknownFields };
}

/** The id to key a result on, even for a malformed event. */
function envelopeId(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}
