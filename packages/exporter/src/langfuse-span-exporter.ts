import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { LangfuseExporterOptions } from './config/exporter-options.js';
import { resolveExporterConfig } from './config/resolve-exporter-config.js';
import { isFlushing } from './flush-scope.js';
import { registerBufferedBytesCap } from './buffer-cap.js';
import { ExportAcknowledgement } from './delivery/export-acknowledgement.js';
import { DeliveryWork, nextMoment } from './delivery/http/delivery-work.js';
import { settlesWithin, splitDeadline, timeoutOf, type FlushOptions } from './delivery/flush-deadline.js';
import { InFlightTracker } from './delivery/in-flight-tracker.js';
import { ComponentLogger } from './diagnostics/component-logger.js';
import { describeError } from './diagnostics/describe-error.js';
import { StatsRecorder, type ExporterStats } from './diagnostics/exporter-stats.js';
import { serializeEvent } from './events/serialized-event.js';
import { TraceCreateMemory } from './events/trace-create-memory.js';
import { buildPipeline, type Pipeline } from './exporter-pipeline.js';
import { toScoreEvent, type LangfuseScore } from './scores/score-input.js';
import { SDK_NAME } from './version.js';

type State = 'running' | 'shutting-down' | 'shutdown';

const FAILED = (message: string): ExportResult => ({ code: ExportResultCode.FAILED, error: new Error(`LangfuseSpanExporter: ${message}`) });
const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/** Longest wait for the dead-letter file at shutdown (a local append; a stuck disk must not hold the exit). */
const DEAD_LETTER_CLOSE_MS = 2_000;
/** Beyond the export timeout, what a flush or shutdown without a deadline of its own allows. */
const DEFAULT_DEADLINE_MARGIN_MS = 1_000;

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
  private readonly pipeline: Pipeline | undefined;
  private readonly acknowledgement: ExportAcknowledgement;
  private state: State = 'running';
  private spansInFlight_ = 0;
  private shutdownPromise: Promise<void> | undefined;
  private disabledBecause: string | undefined;

  constructor(options: LangfuseExporterOptions = {}) {
    const resolved = resolveExporterConfig(options ?? {});
    const secret = resolved.ok ? resolved.config.secretKey : undefined;
    // The option as given too: a config refused for another reason (a bad URL) may still quote it.
    const given: unknown = options?.secretKey;
    this.log = new ComponentLogger(SDK_NAME, [secret, typeof given === 'string' ? given.trim() : undefined, process.env['LANGFUSE_SECRET_KEY']]);
    for (const warning of resolved.warnings) this.log.warn(warning);
    this.acknowledgement = new ExportAcknowledgement(resolved.ok ? resolved.config.exportConcurrency : 1);
    if (!resolved.ok) {
      this.disabledBecause = this.log.scrub(resolved.reason);
      this.log.error(`exporting to Langfuse is disabled: ${resolved.reason}. Spans will be dropped (counted in stats().eventsDropped.disabled).`);
      return;
    }
    try {
      this.pipeline = buildPipeline(resolved.config, {
        stats: this.stats_,
        log: this.log,
        memory: this.memory,
        inFlight: this.inFlight,
      });
      registerBufferedBytesCap(this, resolved.config.maxBufferedBytes);
    } catch (error) {
      this.disabledBecause = this.log.scrub(`the exporter could not be set up (${describeError(error)})`);
      this.log.error(`exporting to Langfuse is disabled: the exporter could not be set up (${describeError(error)})`);
    }
  }

  /** False when a missing key or an invalid URL disabled exporting (one diagnostic said why). */
  get enabled(): boolean {
    return this.pipeline !== undefined;
  }

  /** Why exporting is disabled (e.g. `baseUrl is not a valid URL (got "not a url")`), never a secret; undefined when enabled. */
  get disabledReason(): string | undefined {
    return this.pipeline === undefined ? (this.disabledBecause ?? 'exporting is disabled') : undefined;
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
      transport: pipeline?.delivery.path ?? 'ingestion',
      ...(pipeline && {
        bufferedBytes: pipeline.budget.used,
        peakBufferedBytes: pipeline.budget.peak,
        circuitState: pipeline.breaker.state,
        circuitOpened: pipeline.breaker.opened,
        deadLettered: pipeline.deadLetterFile?.written ?? 0,
        deadLetterSkipped: pipeline.deadLetterFile?.skipped ?? {},
        ...pipeline.spool?.stats(),
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
        pipeline?.delivery.giveUp(spans, 'shutdown');
        return done(FAILED('the exporter is shut down'));
      }
      if (!pipeline) {
        this.stats_.drop('disabled', count);
        return done(SUCCESS);
      }
      const refused = pipeline.delivery.refuseNow(spans);
      if (refused) return done(refused);
      const deadline = Date.now() + pipeline.config.exportTimeoutMs;
      // The export's work begins with its deadline: a flush deadline that passes before its delivery starts (or while
      // it prepares events or uploads media) ends its requests too.
      const work = new DeliveryWork();
      // export() may run inside the span.end() that filled the batch: then the work waits for a later turn of the
      // event loop. Called by a flush (see duringFlush), it starts on the next microtask.
      const task = (isFlushing(this) ? Promise.resolve() : new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => pipeline.delivery.deliver(spans, deadline, work))
        .then(done, (error: unknown) => done(pipeline.delivery.failed(error, spans)));
      this.inFlight.track(task);
      this.spansInFlight_ += count;
      void task.finally(() => {
        this.spansInFlight_ -= count;
      });
      this.acknowledgement.admit(task, () => done(SUCCESS));
    } catch (error) {
      if (this.pipeline) return done(this.pipeline.delivery.failed(error, spans));
      this.stats_.drop('internal-error', count);
      this.log.error(`export failed unexpectedly (${count} spans dropped): ${describeError(error)}`);
      done(FAILED('export failed unexpectedly'));
    }
  }

  /** Spans handed to `export` whose delivery has not ended yet (sent, refused or given up). */
  get spansInFlight(): number {
    return this.spansInFlight_;
  }

  /**
   * Resolves when every export and score started before this call has been delivered or has definitively failed, or
   * by `timeoutMs` (default: the export timeout + 1 s): requests still running then are aborted, and what they
   * carried is counted (`eventsDropped['flush-deadline']`) and dead-lettered. The exporter stays usable. Never rejects.
   */
  async forceFlush(options?: FlushOptions): Promise<void> {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    try {
      const started = Date.now();
      const { waitMs, graceMs } = splitDeadline(timeoutOf(options, pipeline.config.exportTimeoutMs + DEFAULT_DEADLINE_MARGIN_MS));
      // Both start now: the snapshot of exports in flight must not include ones started while scores are sent.
      const deliveries = Promise.all([this.inFlight.settled(), pipeline.scores.flush()]);
      // What the deadline may end: work begun until now (the scores just sent included), never exports begun later.
      const before = nextMoment();
      if (!(await settlesWithin(deliveries, waitMs))) {
        for (const transport of pipeline.transports) transport.abortInFlight(before);
        this.log.once('warn', 'flush-deadline', `forceFlush: deliveries still running at its deadline (${waitMs + graceMs} ms) were aborted; what they carried is counted in stats().eventsDropped['flush-deadline'] (dead-lettered if configured)`);
        await settlesWithin(deliveries, graceMs);
      }
      await settlesWithin(pipeline.deadLetter.flush(), started + waitMs + graceMs - Date.now());
    } catch (error) {
      this.log.debug(`forceFlush: ${describeError(error)}`);
    }
  }

  /**
   * Waits for exports in flight, then closes connections; resolves by `timeoutMs` (default: the export timeout + 1 s):
   * requests still running then are aborted, counted (`eventsDropped.shutdown`) and dead-lettered. Idempotent (a
   * second call shares the first one's deadline). Never rejects.
   */
  shutdown(options?: FlushOptions): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce(options);
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
      this.pipeline?.delivery.giveUp(spans, reason);
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

  private async shutdownOnce(options: FlushOptions | undefined): Promise<void> {
    this.state = 'shutting-down';
    const pipeline = this.pipeline;
    if (pipeline) {
      try {
        const deadline = Date.now() + timeoutOf(options, pipeline.config.exportTimeoutMs + DEFAULT_DEADLINE_MARGIN_MS);
        const { waitMs, graceMs } = splitDeadline(deadline - Date.now());
        const deliveries = Promise.all([this.inFlight.settled(), pipeline.scores.flush()]);
        const settled = await settlesWithin(deliveries, waitMs);
        if (!settled) this.log.warn(`shutdown: exports still in flight at its deadline (${waitMs + graceMs} ms) were aborted`);
        closeTransports(pipeline);
        await settlesWithin(this.inFlight.settled(), Math.min(graceMs, deadline - Date.now()));
        await settlesWithin(pipeline.deadLetter.close(), Math.min(DEAD_LETTER_CLOSE_MS, Math.max(deadline - Date.now(), graceMs)));
        pipeline.summary.flush();
      } catch (error) {
        this.log.debug(`shutdown: ${describeError(error)}`);
      }
    }
    this.state = 'shutdown';
  }
}

/** Aborts the requests in flight on both paths and closes their connections. */
function closeTransports(pipeline: Pipeline): void {
  for (const transport of pipeline.transports) transport.shutdown();
}
