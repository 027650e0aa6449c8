import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { accountOutcomes, accountSpanOutcomes, combineResults } from './delivery/account-outcomes.js';
import { ComponentLogger } from './diagnostics/component-logger.js';
import { describeError } from './diagnostics/describe-error.js';
import { buildPipeline, type Pipeline } from './exporter-pipeline.js';
import type { LangfuseExporterOptions } from './config/exporter-options.js';
import { StatsRecorder, type ExporterStats } from './diagnostics/exporter-stats.js';
import type { ScoreCreateEvent } from './wire/ingestion-event.js';
import { ExportAcknowledgement } from './delivery/export-acknowledgement.js';
import { InFlightTracker } from './delivery/in-flight-tracker.js';
import type { EventOutcome } from './delivery/ingestion/ingestion-delivery.js';
import { filterSpans, prepareEvents } from './events/prepare-events.js';
import { resolveExporterConfig } from './config/resolve-exporter-config.js';
import { toScoreEvent, type LangfuseScore } from './scores/score-input.js';
import { SerialLane } from './events/serial-lane.js';
import { serializeEvent, type SerializedEvent } from './events/serialized-event.js';
import { TraceCreateMemory } from './events/trace-create-memory.js';
import { SDK_NAME } from './version.js';

type State = 'running' | 'shutting-down' | 'shutdown';

/** Reasons the exporter sheds a whole export before doing any work for it. */
type ShedReason = 'too-many-pending-exports' | 'circuit-open' | 'memory-cap';

const FAILED = (message: string): ExportResult => ({ code: ExportResultCode.FAILED, error: new Error(`LangfuseSpanExporter: ${message}`) });
const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/** Longest wait for the dead-letter file at shutdown (a local append; a stuck disk must not hold the exit). */
const DEAD_LETTER_CLOSE_MS = 2_000;

/**
 * An OpenTelemetry `SpanExporter` that turns ended spans into Langfuse ingestion events and posts them to
 * `/api/public/ingestion` (or the OTLP endpoint). It never throws into the host app: a bad config disables it with
 * one diagnostic, and every delivery problem is counted in {@link LangfuseSpanExporter.stats}. Memory held for
 * delivery is capped, a server that keeps failing is left alone for a while (circuit breaker), and what is given up
 * on goes to the `onDrop` hook and the dead-letter file.
 */
export class LangfuseSpanExporter implements SpanExporter {
  private readonly log: ComponentLogger;
  private readonly stats_ = new StatsRecorder();
  private readonly inFlight = new InFlightTracker();
  private readonly memory = new TraceCreateMemory();
  private readonly preparation = new SerialLane();
  private readonly pipeline: Pipeline | undefined;
  private readonly acknowledgement: ExportAcknowledgement;
  private state: State = 'running';
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: LangfuseExporterOptions = {}) {
    const resolved = resolveExporterConfig(options ?? {});
    const secret = resolved.ok ? resolved.config.secretKey : undefined;
    // The option as given too: a config refused for another reason (a bad URL) may still quote it.
    const given: unknown = options?.secretKey;
    this.log = new ComponentLogger(SDK_NAME, [secret, typeof given === 'string' ? given.trim() : undefined, process.env['LANGFUSE_SECRET_KEY']]);
    for (const warning of resolved.warnings) this.log.warn(warning);
    this.acknowledgement = new ExportAcknowledgement(resolved.ok ? resolved.config.exportConcurrency : 1);
    if (!resolved.ok) {
      this.log.error(`exporting to Langfuse is disabled: ${resolved.reason}. Spans will be dropped (counted in stats().eventsDropped.disabled).`);
      return;
    }
    try {
      this.pipeline = buildPipeline(resolved.config, {
        stats: this.stats_,
        log: this.log,
        memory: this.memory,
        sendScores: (pipeline, scores) => this.sendScores(pipeline, scores),
      });
    } catch (error) {
      this.log.error(`exporting to Langfuse is disabled: the exporter could not be set up (${describeError(error)})`);
    }
  }

  /** False when a missing key or an invalid URL disabled exporting (one diagnostic said why). */
  get enabled(): boolean {
    return this.pipeline !== undefined;
  }

  /**
   * Queues a score (for a trace, an observation or a session) to be sent as `score-create` on the legacy ingestion
   * API, which every Langfuse version accepts for scores; batched, retried, flushed by `forceFlush`/`shutdown`,
   * counted like other events. Never throws.
   */
  score(score: LangfuseScore): void {
    try {
      if (!this.pipeline || this.state !== 'running') {
        this.stats_.drop(this.pipeline ? 'shutdown' : 'disabled');
        return;
      }
      const event = toScoreEvent(score, this.pipeline.config.environment);
      if ('invalid' in event) {
        this.stats_.reject('score-invalid');
        this.log.once('warn', 'score-invalid', `a score was not sent: ${event.invalid}`);
        return;
      }
      if (!this.pipeline.scores.add(event)) {
        this.stats_.drop('score-queue-full');
        this.log.once('warn', 'score-queue-full', 'too many scores are waiting to be sent; dropping new ones until the queue drains');
        const serialized = serializeEvent(event, this.pipeline.config.maxEventBytes, undefined);
        if (serialized.ok) this.pipeline.deadLetter.events([serialized.serialized], 'score-queue-full');
      }
    } catch (error) {
      this.log.once('error', 'score-failed', `a score could not be queued: ${describeError(error)}`);
    }
  }

  /** Counters since construction: spans, events sent, rejected and dropped by reason, retries, requests, bytes. */
  stats(): ExporterStats {
    const pipeline = this.pipeline;
    return this.stats_.snapshot({
      exportsInFlight: this.inFlight.size,
      transport: pipeline?.route.current ?? 'ingestion',
      ...(pipeline && {
        bufferedBytes: pipeline.budget.used,
        peakBufferedBytes: pipeline.budget.peak,
        circuitState: pipeline.breaker.state,
        circuitOpened: pipeline.breaker.opened,
        deadLettered: pipeline.deadLetterFile?.written ?? 0,
        deadLetterSkipped: pipeline.deadLetterFile?.skipped ?? {},
      }),
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult) => {
      if (called) return;
      called = true;
      try {
        resultCallback(result);
      } catch (error) {
        this.log.error(`the span processor's export callback threw: ${describeError(error)}`);
      }
    };
    const count = Array.isArray(spans) ? spans.length : 0;
    try {
      this.stats_.add('spansReceived', count);
      const pipeline = this.pipeline;
      if (this.state === 'shutdown') {
        this.stats_.drop('shutdown', count);
        pipeline?.deadLetter.spansLater(spans, 'shutdown', pipeline.route.current);
        return done(FAILED('the exporter is shut down'));
      }
      if (!pipeline) {
        this.stats_.drop('disabled', count);
        return done(SUCCESS);
      }
      const shed = this.shedReason(pipeline);
      if (shed) return done(this.shed(pipeline, spans, shed));
      const deadline = Date.now() + pipeline.config.exportTimeoutMs;
      // export() runs inside the span.end() that filled the batch: do the work on a later turn of the event loop.
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.exportNow(pipeline, spans, deadline))
        .then(done, (error: unknown) => this.failUnexpectedly(error, spans, done));
      this.inFlight.track(task);
      this.acknowledgement.admit(task, () => done(SUCCESS));
    } catch (error) {
      this.failUnexpectedly(error, spans, done);
    }
  }

  /** Resolves when every export and score started before this call has been delivered or has definitively failed. */
  async forceFlush(): Promise<void> {
    // Both start now: the snapshot of exports in flight must not include ones started while scores are sent.
    await Promise.all([this.inFlight.settled(), this.pipeline?.scores.flush()]);
    await this.pipeline?.deadLetter.flush();
  }

  /** Waits for exports in flight (bounded by the export timeout), then closes connections. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  /**
   * Counts spans that never reached `export` because something in front of the exporter turned them away (a full
   * span processor queue, say) under `eventsDropped[reason]`, and gives them to `onDrop` and the dead letter like
   * any other loss. Never throws.
   */
  recordDropped(spans: readonly ReadableSpan[], reason: string): void {
    try {
      this.stats_.drop(reason, spans.length);
      this.pipeline?.deadLetter.spansLater(spans, reason, this.pipeline.route.current);
    } catch (error) {
      this.log.debug(`recordDropped: ${describeError(error)}`);
    }
  }

  /**
   * Ends every delivery in flight now: requests are aborted and what they carried is counted as dropped (reason
   * `shutdown`) and dead-lettered, as is anything exported later. For a caller whose own shutdown deadline passed while
   * `shutdown()` still waits for a slow or hung server (it waits up to `exportTimeoutMs`). Never throws.
   */
  abort(): void {
    if (this.state === 'running') this.state = 'shutting-down';
    try {
      if (this.pipeline) closeTransports(this.pipeline);
    } catch (error) {
      this.log.debug(`abort: ${describeError(error)}`);
    }
  }

  private async shutdownOnce(): Promise<void> {
    this.state = 'shutting-down';
    const pipeline = this.pipeline;
    if (pipeline) {
      await pipeline.scores.flush();
      const settled = await this.inFlight.settledWithin(pipeline.config.exportTimeoutMs + 1_000);
      if (!settled) this.log.warn('shutdown: exports still in flight after the export timeout were aborted');
      closeTransports(pipeline);
      await this.inFlight.settledWithin(1_000);
      await settleWithin(pipeline.deadLetter.close(), DEAD_LETTER_CLOSE_MS);
      pipeline.summary.flush();
    }
    this.state = 'shutdown';
  }

  /** Why this export should be refused at once, if it should: nothing is mapped, serialized or sent for it. */
  private shedReason(pipeline: Pipeline): ShedReason | undefined {
    if (this.inFlight.size >= pipeline.config.maxPendingExports) return 'too-many-pending-exports';
    if (pipeline.breaker.refusesNow()) return 'circuit-open';
    if (pipeline.budget.full) return 'memory-cap';
    return undefined;
  }

  /**
   * Counts and dead-letters a refused export. Reported to the processor as handled (SUCCESS): a FAILED result makes
   * the SDK's processors log an error for every batch (the simple processor: every span), a log storm exactly
   * when the server is down. The counters, the summary line and the dead-letter are the record.
   */
  private shed(pipeline: Pipeline, spans: ReadableSpan[], reason: ShedReason): ExportResult {
    this.stats_.drop(reason, spans.length);
    if (reason === 'too-many-pending-exports') {
      this.log.once('warn', 'pending-exports', `more than ${pipeline.config.maxPendingExports} exports are pending (the server is slow or down); dropping spans until they drain`);
    } else if (reason === 'memory-cap') {
      this.log.once('warn', 'memory-cap', `the exporter holds maxBufferedBytes (${pipeline.config.maxBufferedBytes} bytes) for delivery (the server is slow or down); dropping spans until it drains`);
    }
    pipeline.deadLetter.spansLater(spans, reason, pipeline.route.current);
    return SUCCESS;
  }

  private failUnexpectedly(error: unknown, spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const count = Array.isArray(spans) ? spans.length : 0;
    this.stats_.drop('internal-error', count);
    this.log.error(`export failed unexpectedly (${count} spans dropped): ${describeError(error)}`);
    if (this.pipeline && Array.isArray(spans)) this.pipeline.deadLetter.spansLater(spans, 'internal-error', this.pipeline.route.current);
    done(FAILED('export failed unexpectedly'));
  }

  private async exportNow(pipeline: Pipeline, spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const kept = filterSpans(spans, pipeline.prepare);
    if (kept.length === 0) return SUCCESS;
    return pipeline.route.current === 'otlp'
      ? this.viaOtlp(pipeline, kept, deadline)
      : this.viaIngestion(pipeline, kept, deadline);
  }

  /**
   * The legacy path; with `transport: 'auto'`, spans a v4/Cloud server refuses there are resent over OTLP. The
   * route switches each way at most once, so the two paths cannot send spans back and forth forever.
   */
  private async viaIngestion(pipeline: Pipeline, spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const events = await this.preparation.run(() => prepareEvents(spans, pipeline.prepare));
    const reservation = pipeline.budget.open();
    try {
      const overCap = new Set(events.filter((event) => !reservation.take(event.bytes)));
      const outcomes = await pipeline.ingestion.delivery.deliver(overCap.size === 0 ? events : events.filter((event) => !overCap.has(event)), deadline);
      if (overCap.size > 0) {
        this.log.once('warn', 'memory-cap', `the exporter holds maxBufferedBytes (${pipeline.config.maxBufferedBytes} bytes) for delivery (the server is slow or down); dropping events until it drains`);
        for (const event of overCap) outcomes.set(event, { kind: 'dropped', reason: 'memory-cap' });
      }
      const refused = this.refusedForPath(pipeline, 'ingestion', events, outcomes);
      if (!refused) return this.accountEvents(pipeline, events, outcomes);

      pipeline.route.switchFrom('ingestion', refused.reason);
      const resend = spans.filter((span) => refused.spanIds.has(span.spanContext().spanId) || refused.traceIds.has(span.spanContext().traceId));
      this.stats_.add('spansResent', resend.length);
      const kept = events.filter((event) => !refused.events.has(event));
      const legacy = this.accountEvents(pipeline, kept, outcomes);
      return combineResults(legacy, await this.viaOtlp(pipeline, resend, deadline));
    } finally {
      reservation.release();
    }
  }

  /** The OTLP path; with `transport: 'auto'`, spans an old server (no OTLP endpoint) refuses go to the legacy path. */
  private async viaOtlp(pipeline: Pipeline, spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const sent = pipeline.maskForOtlp(spans);
    const original = new Map(sent.map((span, i) => [span, spans[i]!]));
    const reservation = pipeline.budget.open();
    try {
      const outcomes = await pipeline.otlp.delivery.deliver(sent, deadline, reservation);
      let reason: string | undefined;
      const resend: ReadableSpan[] = [];
      sent.forEach((span, i) => {
        const outcome = outcomes.get(span);
        if (!outcome || outcome.kind === 'accepted' || !pipeline.route.shouldSwitch('otlp', outcome.reason)) return;
        reason ??= outcome.reason;
        resend.push(spans[i]!);
        outcomes.delete(span);
      });
      const failed = new Map<string, ReadableSpan[]>();
      const otlp = accountSpanOutcomes(outcomes, this.stats_, failed);
      for (const [why, list] of failed) pipeline.deadLetter.spans(list.map((span) => original.get(span) ?? span), why, 'otlp');
      if (reason === undefined) return otlp;

      pipeline.route.switchFrom('otlp', reason);
      this.stats_.add('spansResent', resend.length);
      return combineResults(otlp, await this.viaIngestion(pipeline, resend, deadline));
    } finally {
      reservation.release();
    }
  }

  /** Counts the legacy path's outcomes and dead-letters what was not delivered. */
  private accountEvents(pipeline: Pipeline, events: readonly SerializedEvent[], outcomes: ReadonlyMap<SerializedEvent, EventOutcome>): ExportResult {
    const failed = new Map<string, SerializedEvent[]>();
    const result = accountOutcomes(events, outcomes, this.stats_, this.memory, failed);
    for (const [reason, list] of failed) pipeline.deadLetter.events(list, reason);
    return result;
  }

  /** Scores always take the legacy path: every Langfuse version, v4 and Cloud included, accepts them there. */
  private sendScores(pipeline: Pipeline, scores: ScoreCreateEvent[]): Promise<void> {
    const deadline = Date.now() + pipeline.config.exportTimeoutMs;
    const task = (async () => {
      const events: SerializedEvent[] = [];
      for (const score of scores) {
        const outcome = serializeEvent(score, pipeline.config.maxEventBytes, undefined);
        if (outcome.ok) events.push(outcome.serialized);
        else this.stats_.drop('event-too-large');
      }
      const reservation = pipeline.budget.open();
      try {
        const overCap = new Set(events.filter((event) => !reservation.take(event.bytes)));
        const outcomes = await pipeline.ingestion.delivery.deliver(overCap.size === 0 ? events : events.filter((event) => !overCap.has(event)), deadline);
        for (const event of overCap) outcomes.set(event, { kind: 'dropped', reason: 'memory-cap' });
        this.accountEvents(pipeline, events, outcomes);
      } finally {
        reservation.release();
      }
    })().catch((error: unknown) => {
      this.stats_.drop('internal-error', scores.length);
      this.log.error(`sending scores failed unexpectedly: ${describeError(error)}`);
    });
    return this.inFlight.track(task);
  }

  /** The events the legacy path refused because the server only speaks OTLP, and the spans/traces they came from. */
  private refusedForPath(
    pipeline: Pipeline,
    path: 'ingestion',
    events: readonly SerializedEvent[],
    outcomes: ReadonlyMap<SerializedEvent, EventOutcome>,
  ): { reason: string; events: Set<SerializedEvent>; spanIds: Set<string>; traceIds: Set<string> } | undefined {
    let reason: string | undefined;
    const refused = new Set<SerializedEvent>();
    const spanIds = new Set<string>();
    const traceIds = new Set<string>();
    for (const event of events) {
      const outcome = outcomes.get(event);
      if (!outcome || outcome.kind === 'accepted' || !pipeline.route.shouldSwitch(path, outcome.reason)) continue;
      reason ??= outcome.reason;
      refused.add(event);
      if (event.spanId) spanIds.add(event.spanId);
      else if (event.event.type === 'trace-create') traceIds.add(event.event.body.id);
    }
    return reason === undefined ? undefined : { reason, events: refused, spanIds, traceIds };
  }
}

/** Aborts the requests in flight on both paths and closes their connections. */
function closeTransports(pipeline: Pipeline): void {
  pipeline.ingestion.transport.shutdown();
  pipeline.otlp.transport.shutdown();
}

/** Waits for `promise` at most `ms` (an unref'd timer); never rejects. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
