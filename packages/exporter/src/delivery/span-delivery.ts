import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ResolvedExporterConfig } from '../config/exporter-options.js';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';
import type { StatsRecorder } from '../diagnostics/exporter-stats.js';
import { filterSpans, prepareEvents, type PrepareDeps } from '../events/prepare-events.js';
import { SerialLane } from '../events/serial-lane.js';
import { serializeEvent, type SerializedEvent } from '../events/serialized-event.js';
import type { TraceCreateMemory } from '../events/trace-create-memory.js';
import type { DeadLetter } from '../losses/dead-letter.js';
import type { MediaStage } from '../media/media-stage.js';
import type { ScoreCreateEvent } from '../wire/ingestion-event.js';
import { accountOutcomes, accountSpanOutcomes, combineResults } from './account-outcomes.js';
import type { EventOutcome } from './event-outcome.js';
import type { CircuitBreaker } from './http/circuit-breaker.js';
import { DeliveryWork } from './http/delivery-work.js';
import type { InFlightTracker } from './in-flight-tracker.js';
import type { IngestionDelivery } from './ingestion/ingestion-delivery.js';
import type { MemoryBudget } from './memory-budget.js';
import type { OtlpDelivery } from './otlp/otlp-delivery.js';
import type { Path, TransportRoute } from './transport-route.js';

/** Reasons a whole export is refused before any work is done for it. */
type ShedReason = 'too-many-pending-exports' | 'circuit-open' | 'memory-cap';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

export interface SpanDeliveryParts {
  config: Pick<ResolvedExporterConfig, 'maxPendingExports' | 'maxBufferedBytes' | 'exportTimeoutMs' | 'maxEventBytes'>;
  prepare: PrepareDeps;
  route: TransportRoute;
  ingestion: IngestionDelivery;
  otlp: OtlpDelivery;
  budget: MemoryBudget;
  breaker: CircuitBreaker;
  deadLetter: DeadLetter;
  /** The spans as the OTLP path sends them: the mask applied. */
  maskForOtlp(spans: readonly ReadableSpan[]): ReadableSpan[];
  stats: StatsRecorder;
  log: ComponentLogger;
  memory: TraceCreateMemory;
  inFlight: InFlightTracker;
  /** Media upload (undefined when off): the same stage `prepare.media` extracts with. */
  media: MediaStage | undefined;
}

/**
 * Where a batch of ended spans goes once the exporter has accepted it: refused at once when the exporter is
 * saturated, else prepared and sent on the route the server speaks (the legacy ingestion path or OTLP, switching
 * once each way under `transport: 'auto'`), each outcome counted and each loss dead-lettered. Never rejects.
 */
export class SpanDelivery {
  private readonly preparation = new SerialLane();

  constructor(private readonly parts: SpanDeliveryParts) {}

  /** The path spans take now. */
  get path(): Path {
    return this.parts.route.current;
  }

  /**
   * The result for an export refused before any work (too many pending, circuit open, memory cap), counted and
   * dead-lettered; undefined when the export may go ahead. Reported as handled (SUCCESS): a FAILED result makes the
   * SDK's processors log an error for every batch, a storm exactly when the server is down; the counters, the summary
   * line and the dead letter are the record.
   */
  refuseNow(spans: ReadableSpan[]): ExportResult | undefined {
    const reason = this.shedReason();
    if (!reason) return undefined;
    const { config, log, stats } = this.parts;
    stats.drop(reason, spans.length);
    if (reason === 'too-many-pending-exports') {
      log.once('warn', 'pending-exports', `more than ${config.maxPendingExports} exports are pending (the server is slow or down); dropping spans until they drain`);
    } else if (reason === 'memory-cap') {
      log.once('warn', 'memory-cap', `the exporter holds maxBufferedBytes (${config.maxBufferedBytes} bytes) for delivery (the server is slow or down); dropping spans until it drains`);
    }
    this.giveUp(spans, reason);
    return SUCCESS;
  }

  /**
   * Sends the spans by the current route, by `deadline`; an unexpected failure is counted, never thrown.
   * `work` is the export's, made when it began: every request of it (both paths, the resend to the other one) is
   * refused once a flush deadline passed since then, also one that would start after preparation or media uploads.
   */
  async deliver(spans: ReadableSpan[], deadline: number, work = new DeliveryWork()): Promise<ExportResult> {
    try {
      const kept = filterSpans(spans, this.parts.prepare);
      if (kept.length === 0) return SUCCESS;
      return await (this.path === 'otlp' ? this.viaOtlp(kept, deadline, work) : this.viaIngestion(kept, deadline, work));
    } catch (error) {
      return this.failed(error, spans);
    }
  }

  /** Dead-letters spans the exporter gives up on without sending (counted by the caller). */
  giveUp(spans: readonly ReadableSpan[], reason: string): void {
    this.parts.deadLetter.spansLater(spans, reason, this.path);
  }

  /** Counts and dead-letters spans lost to a bug of ours, and says so. */
  failed(error: unknown, spans: ReadableSpan[]): ExportResult {
    const count = Array.isArray(spans) ? spans.length : 0;
    this.parts.stats.drop('internal-error', count);
    this.parts.log.error(`export failed unexpectedly (${count} spans dropped): ${describeError(error)}`);
    if (Array.isArray(spans)) this.giveUp(spans, 'internal-error');
    return { code: ExportResultCode.FAILED, error: new Error('LangfuseSpanExporter: export failed unexpectedly') };
  }

  /** Scores always take the legacy path: every Langfuse version, v4 and Cloud included, accepts them there. */
  deliverScores(scores: ScoreCreateEvent[]): Promise<void> {
    const { config, stats, log, budget, ingestion, inFlight } = this.parts;
    const deadline = Date.now() + config.exportTimeoutMs;
    // Begun with the deadline: a flush deadline that passes while the scores are serialized ends their requests too.
    const work = new DeliveryWork();
    const task = (async () => {
      const events: SerializedEvent[] = [];
      for (const score of scores) {
        const outcome = serializeEvent(score, config.maxEventBytes, undefined);
        if (outcome.ok) events.push(outcome.serialized);
        else stats.drop('event-too-large');
      }
      const reservation = budget.open();
      try {
        const overCap = new Set(events.filter((event) => !reservation.take(event.bytes)));
        const outcomes = await ingestion.deliver(overCap.size === 0 ? events : events.filter((event) => !overCap.has(event)), deadline, work);
        for (const event of overCap) outcomes.set(event, { kind: 'dropped', reason: 'memory-cap' });
        this.accountEvents(events, outcomes);
      } finally {
        reservation.release();
      }
    })().catch((error: unknown) => {
      stats.drop('internal-error', scores.length);
      log.error(`sending scores failed unexpectedly: ${describeError(error)}`);
    });
    return inFlight.track(task);
  }

  private shedReason(): ShedReason | undefined {
    const { inFlight, config, breaker, budget } = this.parts;
    if (inFlight.size >= config.maxPendingExports) return 'too-many-pending-exports';
    if (breaker.refusesNow()) return 'circuit-open';
    if (budget.full) return 'memory-cap';
    return undefined;
  }

  /**
   * The legacy path; with `transport: 'auto'`, spans a v4/Cloud server refuses there are resent over OTLP, also when
   * another export switched the route meanwhile. The route switches each way at most once, so the two paths cannot
   * send spans back and forth forever. The resend is part of the same `work`.
   */
  private async viaIngestion(spans: ReadableSpan[], deadline: number, work: DeliveryWork): Promise<ExportResult> {
    const { prepare, budget, ingestion, log, config, route, stats } = this.parts;
    const prepared = await this.preparation.run(() => prepareEvents(spans, prepare));
    const reservation = budget.open();
    try {
      // Outside the preparation lane: one export's uploads never hold up the next export's preparation.
      const events = this.parts.media ? await this.parts.media.resolveEvents(prepared, deadline, reservation, work) : prepared;
      const overCap = new Set(events.filter((event) => !reservation.take(event.bytes)));
      const outcomes = await ingestion.deliver(overCap.size === 0 ? events : events.filter((event) => !overCap.has(event)), deadline, work);
      if (overCap.size > 0) {
        log.once('warn', 'memory-cap', `the exporter holds maxBufferedBytes (${config.maxBufferedBytes} bytes) for delivery (the server is slow or down); dropping events until it drains`);
        for (const event of overCap) outcomes.set(event, { kind: 'dropped', reason: 'memory-cap' });
      }
      const refused = this.refusedByIngestion(events, outcomes);
      if (!refused || !route.resendsElsewhere('ingestion', refused.reason)) return this.accountEvents(events, outcomes);

      const resend = spans.filter((span) => refused.spanIds.has(span.spanContext().spanId) || refused.traceIds.has(span.spanContext().traceId));
      stats.add('spansResent', resend.length);
      const kept = events.filter((event) => !refused.events.has(event));
      const legacy = this.accountEvents(kept, outcomes);
      return combineResults(legacy, await this.viaOtlp(resend, deadline, work));
    } finally {
      reservation.release();
    }
  }

  /** The OTLP path; with `transport: 'auto'`, spans an old server (no OTLP endpoint) refuses go to the legacy path. */
  private async viaOtlp(spans: ReadableSpan[], deadline: number, work: DeliveryWork): Promise<ExportResult> {
    const { maskForOtlp, budget, otlp, route, stats, deadLetter, media } = this.parts;
    const reservation = budget.open();
    try {
      const masked = maskForOtlp(spans);
      const sent = media ? await media.resolveSpans(masked, deadline, reservation, work) : masked;
      const original = new Map(sent.map((span, i) => [span, spans[i]!]));
      const outcomes = await otlp.deliver(sent, deadline, reservation, work);
      const refused = this.refusedByOtlp(sent, outcomes);
      const resend = refused && route.resendsElsewhere('otlp', refused.reason) ? refused.spans : [];
      for (const span of resend) outcomes.delete(span);
      const failed = new Map<string, ReadableSpan[]>();
      const result = accountSpanOutcomes(outcomes, stats, failed);
      for (const [why, list] of failed) deadLetter.spans(list.map((span) => original.get(span) ?? span), why, 'otlp');
      if (resend.length === 0) return result;

      stats.add('spansResent', resend.length);
      return combineResults(result, await this.viaIngestion(resend.map((span) => original.get(span) ?? span), deadline, work));
    } finally {
      reservation.release();
    }
  }

  /** Counts the legacy path's outcomes and dead-letters what was not delivered. */
  private accountEvents(events: readonly SerializedEvent[], outcomes: ReadonlyMap<SerializedEvent, EventOutcome>): ExportResult {
    const failed = new Map<string, SerializedEvent[]>();
    const result = accountOutcomes(events, outcomes, this.parts.stats, this.parts.memory, failed);
    for (const [reason, list] of failed) this.parts.deadLetter.events(list, reason);
    return result;
  }

  /** The events the legacy path refused because the server only speaks OTLP, and the spans/traces they came from. */
  private refusedByIngestion(
    events: readonly SerializedEvent[],
    outcomes: ReadonlyMap<SerializedEvent, EventOutcome>,
  ): { reason: string; events: Set<SerializedEvent>; spanIds: Set<string>; traceIds: Set<string> } | undefined {
    let reason: string | undefined;
    const refused = new Set<SerializedEvent>();
    const spanIds = new Set<string>();
    const traceIds = new Set<string>();
    for (const event of events) {
      const outcome = outcomes.get(event);
      if (!outcome || outcome.kind === 'accepted' || !this.parts.route.refusesPath('ingestion', outcome.reason)) continue;
      reason ??= outcome.reason;
      refused.add(event);
      if (event.spanId) spanIds.add(event.spanId);
      else if (event.event.type === 'trace-create') traceIds.add(event.event.body.id);
    }
    return reason === undefined ? undefined : { reason, events: refused, spanIds, traceIds };
  }

  /** The spans the OTLP path refused because the server has no OTLP endpoint, and why (the first such reason). */
  private refusedByOtlp(sent: readonly ReadableSpan[], outcomes: ReadonlyMap<ReadableSpan, EventOutcome>): { reason: string; spans: ReadableSpan[] } | undefined {
    let reason: string | undefined;
    const spans: ReadableSpan[] = [];
    for (const span of sent) {
      const outcome = outcomes.get(span);
      if (!outcome || outcome.kind === 'accepted' || !this.parts.route.refusesPath('otlp', outcome.reason)) continue;
      reason ??= outcome.reason;
      spans.push(span);
    }
    return reason === undefined ? undefined : { reason, spans };
  }
}
