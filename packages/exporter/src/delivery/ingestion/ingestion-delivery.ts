import type { EventOutcome } from '../event-outcome.js';
import { batchBody, splitIntoBatches } from '../../events/batch-splitter.js';
import type { ComponentLogger } from '../../diagnostics/component-logger.js';
import type { RequestSender, TransportResult } from '../http/http-transport.js';
import type { IngestionResultItem, ObservationCreateEvent } from '../../wire/ingestion-event.js';
import { EVENT_TYPE_NOT_ACCEPTED, describeServerMessage, parseMultiStatus } from './ingestion-response.js';
import { downgradeObservation, isExtendedTypeEvent } from './observation-type-fallback.js';
import { readRequestAnswer } from '../request-answer.js';
import { retryDelay, type RetryPolicyOptions } from '../http/retry-policy.js';
import { DeliveryWork } from '../http/delivery-work.js';
import { serializeEvent, type SerializedEvent } from '../../events/serialized-event.js';

export interface DeliveryOptions {
  endpoint: string;
  maxBatchBytes: number;
  maxEventBytes: number;
  maxRetries: number;
  retry: RetryPolicyOptions;
  /** True when refused trace/observation types are resent over OTLP (transport 'auto'). */
  resendsRefusedTypes?: boolean;
  onEventRetryRound?: () => void;
  onDowngraded?: (count: number) => void;
}

/** The state of one delivery round that the answer handlers update. */
interface RoundContext {
  settle: (event: SerializedEvent, outcome: EventOutcome) => void;
  /** Events to resend after a backoff (per-event 5xx, or an unknown answer). */
  retryLater: SerializedEvent[];
  /** Why an event in `retryLater` had no answer, when that is what it is settled with if it is never resent. */
  unknownReason: Map<SerializedEvent, string>;
  /** Batches still to send in this round (413 halves and downgraded events go first). */
  queue: SerializedEvent[][];
  /** Downgraded copy → the event the caller gave. */
  originOf: Map<SerializedEvent, SerializedEvent>;
}

/**
 * Whether a per-event 400 is the server not knowing the event type (a server older than 3.99 fails the type
 * discriminator), rather than some other problem with the event, which a downgrade would not fix.
 */
function isUnknownTypeError(result: IngestionResultItem): boolean {
  let text = result.message ?? '';
  try {
    text += ` ${JSON.stringify(result.error ?? '')}`;
  } catch {
    // an unserializable error detail: judge by the message alone
  }
  return /discriminator|event type|"path":\["type"\]/i.test(text);
}


/**
 * Sends serialized events to `/api/public/ingestion` and settles each with an outcome: whole-request answers,
 * 413 splitting, 207 per-event results, per-event 5xx retried alone, and the fallback for servers that predate the
 * extended observation types. Never throws; bounded by the caller's deadline.
 */
export class IngestionDelivery {
  /** False once a server has shown it rejects agent/tool/chain/... events; then they are sent downgraded. */
  extendedTypesSupported = true;

  constructor(
    private readonly transport: RequestSender,
    private readonly options: DeliveryOptions,
    private readonly log: ComponentLogger,
  ) {}

  /**
   * `work` ties every batch and round to one export: a flush deadline or a shutdown ends all of them, the wait between
   * rounds too. Pass the export's own, made when it began, so an abort before this call counts as well.
   */
  async deliver(events: readonly SerializedEvent[], deadline: number, work = new DeliveryWork()): Promise<Map<SerializedEvent, EventOutcome>> {
    const outcomes = new Map<SerializedEvent, EventOutcome>();
    const originOf = new Map<SerializedEvent, SerializedEvent>();
    const settle = (event: SerializedEvent, outcome: EventOutcome) => outcomes.set(originOf.get(event) ?? event, outcome);

    let pending = events.map((event) => {
      if (this.extendedTypesSupported || !isExtendedTypeEvent(event.event)) return event;
      const fallback = this.downgrade(event.event, event.spanId);
      if (fallback === undefined) return event;
      originOf.set(fallback, event);
      this.options.onDowngraded?.(1);
      return fallback;
    });
    for (let round = 0; pending.length > 0; round++) {
      const retryLater: SerializedEvent[] = [];
      const unknownReason = new Map<SerializedEvent, string>();
      const queue = splitIntoBatches(pending, this.options.maxBatchBytes);
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const result = await this.transport.send(batchBody(batch), deadline, { work });
        this.handle(result, batch, { settle, retryLater, unknownReason, queue, originOf });
      }
      pending = retryLater;
      if (pending.length === 0) break;
      const delay = round + 1 > this.options.maxRetries ? 0 : retryDelay(round + 1, undefined, deadline - Date.now(), this.options.retry);
      if (delay === 0) {
        const reason = round + 1 > this.options.maxRetries ? 'retries-exhausted' : 'deadline';
        for (const event of pending) settle(event, { kind: 'dropped', reason: unknownReason.get(event) ?? reason });
        break;
      }
      // Ended early by a flush deadline or a shutdown: what was to be resent is given up for that reason, now.
      const aborted = await work.wait(delay);
      if (aborted) {
        for (const event of pending) settle(event, { kind: 'dropped', reason: aborted });
        break;
      }
      this.options.onEventRetryRound?.();
    }
    return outcomes;
  }

  private handle(
    result: TransportResult,
    batch: SerializedEvent[],
    ctx: RoundContext,
  ): void {
    const answer = readRequestAnswer(result, { endpoint: this.options.endpoint, count: batch.length, unit: 'events', singleBytes: batch[0]?.bytes }, this.log);
    if (answer.kind === 'multi-status') return this.handleMultiStatus(answer.body, batch, ctx);
    if (answer.kind === 'unknown') {
      // Resending is safe: the server dedups events by envelope id, so one stored already is not stored twice.
      for (const event of batch) {
        ctx.retryLater.push(event);
        if (answer.outcome.kind !== 'accepted') ctx.unknownReason.set(event, answer.outcome.reason);
      }
      return;
    }
    if (answer.kind === 'split') {
      const half = Math.ceil(batch.length / 2);
      ctx.queue.unshift(batch.slice(0, half), batch.slice(half));
      return;
    }
    for (const event of batch) ctx.settle(event, answer.outcome);
  }

  private handleMultiStatus(
    body: string,
    batch: SerializedEvent[],
    ctx: RoundContext,
  ): void {
    const results = parseMultiStatus(body);
    if (!results) {
      this.log.once('warn', 'invalid-207', `${this.options.endpoint} answered 207 with a body that is not Langfuse's {successes, errors}`);
      batch.forEach((event) => ctx.settle(event, { kind: 'dropped', reason: 'invalid-response' }));
      return;
    }
    const downgraded: SerializedEvent[] = [];
    for (const event of batch) {
      const result = results.get(event.event.id);
      if (!result) {
        ctx.settle(event, { kind: 'dropped', reason: 'missing-from-response' });
      } else if (result.status >= 200 && result.status < 300) {
        ctx.settle(event, { kind: 'accepted' });
        if (ctx.originOf.has(event) && this.extendedTypesSupported) {
          this.extendedTypesSupported = false;
          this.log.once('info', 'extended-types-unsupported', 'the Langfuse server predates agent/tool/chain/retriever/evaluator/embedding/guardrail observations (< 3.99); sending them as span/generation from now on');
        }
      } else if (result.status >= 500) {
        ctx.retryLater.push(event);
      } else if (result.message === EVENT_TYPE_NOT_ACCEPTED) {
        // With transport 'auto' the exporter resends these over OTLP, so this is only worth an error when it cannot.
        this.log.once(this.options.resendsRefusedTypes ? 'debug' : 'error', 'event-type-not-accepted', `the Langfuse server at ${this.options.endpoint} does not accept traces on the legacy ingestion path ("${EVENT_TYPE_NOT_ACCEPTED}"): it is a Langfuse v4 server in events_only mode (or Langfuse Cloud after 2026-11-16). Use transport 'otlp' or 'auto'.`);
        ctx.settle(event, { kind: 'rejected', reason: 'event-type-not-accepted' });
      } else if (result.status === 400 && isExtendedTypeEvent(event.event) && isUnknownTypeError(result)) {
        const fallback = this.downgrade(event.event, event.spanId);
        if (fallback) {
          ctx.originOf.set(fallback, ctx.originOf.get(event) ?? event);
          downgraded.push(fallback);
        } else {
          ctx.settle(event, { kind: 'rejected', reason: 'event-400' });
        }
      } else {
        this.log.debug(`event ${event.event.id} (${event.event.type}) rejected with ${result.status}: ${result.message ?? describeServerMessage(JSON.stringify(result.error ?? ''))}`);
        this.log.once('warn', `event-${result.status}`, `the server rejected events with ${result.status} (first: ${event.event.type} ${event.event.id}: ${result.message ?? 'no message'}); enable debug logging to see each one`);
        ctx.settle(event, { kind: 'rejected', reason: `event-${result.status}` });
      }
    }
    if (downgraded.length > 0) {
      this.options.onDowngraded?.(downgraded.length);
      ctx.queue.unshift(...splitIntoBatches(downgraded, this.options.maxBatchBytes));
    }
  }

  /** Rewrites an extended-type event for an older server; the result is serialized like any other event. */
  downgrade(event: ObservationCreateEvent, spanId: string | undefined): SerializedEvent | undefined {
    const outcome = serializeEvent(downgradeObservation(event), this.options.maxEventBytes, spanId);
    return outcome.ok ? outcome.serialized : undefined;
  }
}
