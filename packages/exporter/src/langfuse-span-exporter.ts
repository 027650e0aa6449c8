import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { accountOutcomes, accountSpanOutcomes, combineResults } from './account-outcomes.js';
import { ComponentLogger } from './component-logger.js';
import { describeError } from './describe-error.js';
import type { LangfuseExporterOptions, ResolvedExporterConfig } from './exporter-options.js';
import { StatsRecorder, type ExporterStats } from './exporter-stats.js';
import type { ScoreCreateEvent } from './ingestion-event.js';
import { HttpTransport } from './http-transport.js';
import { InFlightTracker } from './in-flight-tracker.js';
import { IngestionDelivery, type EventOutcome } from './ingestion-delivery.js';
import { createSpanMapper } from './mapping/index.js';
import { maskSpan } from './masked-span.js';
import { OtlpDelivery } from './otlp-delivery.js';
import { OTLP_CONTENT_TYPES } from './otlp-encoding.js';
import { filterSpans, prepareEvents, type PrepareDeps } from './prepare-events.js';
import { resolveExporterConfig } from './resolve-exporter-config.js';
import { toScoreEvent, type LangfuseScore } from './score-input.js';
import { ScoreQueue } from './score-queue.js';
import { serializeEvent, type SerializedEvent } from './serialized-event.js';
import { TraceCreateMemory } from './trace-create-memory.js';
import { TransportRoute } from './transport-route.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

const INGESTION_PATH = '/api/public/ingestion';
const OTLP_PATH = '/api/public/otel/v1/traces';

type State = 'running' | 'shutting-down' | 'shutdown';

/** What the exporter needs once its config is valid. */
interface Pipeline {
  config: ResolvedExporterConfig;
  prepare: PrepareDeps;
  route: TransportRoute;
  ingestion: { transport: HttpTransport; delivery: IngestionDelivery };
  otlp: { transport: HttpTransport; delivery: OtlpDelivery };
  scores: ScoreQueue;
}

const FAILED = (message: string): ExportResult => ({ code: ExportResultCode.FAILED, error: new Error(`LangfuseSpanExporter: ${message}`) });

/**
 * An OpenTelemetry `SpanExporter` that turns ended spans into Langfuse ingestion events and posts them to
 * `/api/public/ingestion`. It never throws into the host app: a bad config disables it with one diagnostic, and
 * every delivery problem is counted in {@link LangfuseSpanExporter.stats}.
 */
export class LangfuseSpanExporter implements SpanExporter {
  private readonly log: ComponentLogger;
  private readonly stats_ = new StatsRecorder();
  private readonly inFlight = new InFlightTracker();
  private readonly memory = new TraceCreateMemory();
  private readonly pipeline: Pipeline | undefined;
  private state: State = 'running';
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: LangfuseExporterOptions = {}) {
    const resolved = resolveExporterConfig(options ?? {});
    const secret = resolved.ok ? resolved.config.secretKey : undefined;
    this.log = new ComponentLogger(SDK_NAME, [secret, process.env['LANGFUSE_SECRET_KEY']]);
    for (const warning of resolved.warnings) this.log.warn(warning);
    if (!resolved.ok) {
      this.log.error(`exporting to Langfuse is disabled: ${resolved.reason}. Spans will be dropped (counted in stats().eventsDropped.disabled).`);
      return;
    }
    try {
      this.pipeline = this.buildPipeline(resolved.config);
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
      }
    } catch (error) {
      this.log.once('error', 'score-failed', `a score could not be queued: ${describeError(error)}`);
    }
  }

  /** Counters since construction: spans, events sent, rejected and dropped by reason, retries, requests, bytes. */
  stats(): ExporterStats {
    return this.stats_.snapshot(this.inFlight.size, this.pipeline?.route.current ?? 'ingestion');
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
      if (this.state === 'shutdown') {
        this.stats_.drop('shutdown', count);
        return done(FAILED('the exporter is shut down'));
      }
      if (!this.pipeline) {
        this.stats_.drop('disabled', count);
        return done({ code: ExportResultCode.SUCCESS });
      }
      if (this.inFlight.size >= this.pipeline.config.maxPendingExports) {
        this.stats_.drop('too-many-pending-exports', count);
        this.log.once('warn', 'pending-exports', `more than ${this.pipeline.config.maxPendingExports} exports are pending (the server is slow or down); dropping spans until they drain`);
        return done(FAILED('too many pending exports'));
      }
      const deadline = Date.now() + this.pipeline.config.exportTimeoutMs;
      // export() runs inside the span.end() that filled the batch: do the work on a later turn of the event loop.
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.exportNow(this.pipeline!, spans, deadline))
        .then(done, (error: unknown) => this.failUnexpectedly(error, count, done));
      this.inFlight.track(task);
    } catch (error) {
      this.failUnexpectedly(error, count, done);
    }
  }

  /** Resolves when every export and score started before this call has been delivered or has definitively failed. */
  async forceFlush(): Promise<void> {
    // Both start now: the snapshot of exports in flight must not include ones started while scores are sent.
    await Promise.all([this.inFlight.settled(), this.pipeline?.scores.flush()]);
  }

  /** Waits for exports in flight (bounded by the export timeout), then closes connections. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  private async shutdownOnce(): Promise<void> {
    this.state = 'shutting-down';
    if (this.pipeline) {
      await this.pipeline.scores.flush();
      const settled = await this.inFlight.settledWithin(this.pipeline.config.exportTimeoutMs + 1_000);
      if (!settled) this.log.warn('shutdown: exports still in flight after the export timeout were aborted');
      this.pipeline.ingestion.transport.shutdown();
      this.pipeline.otlp.transport.shutdown();
      await this.inFlight.settledWithin(1_000);
    }
    this.state = 'shutdown';
  }

  private failUnexpectedly(error: unknown, spanCount: number, done: (result: ExportResult) => void): void {
    this.stats_.drop('internal-error', spanCount);
    this.log.error(`export failed unexpectedly (${spanCount} spans dropped): ${describeError(error)}`);
    done(FAILED('export failed unexpectedly'));
  }

  private async exportNow(pipeline: Pipeline, spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const kept = filterSpans(spans, pipeline.prepare);
    if (kept.length === 0) return { code: ExportResultCode.SUCCESS };
    return pipeline.route.current === 'otlp'
      ? this.viaOtlp(pipeline, kept, deadline)
      : this.viaIngestion(pipeline, kept, deadline);
  }

  /**
   * The legacy path; with `transport: 'auto'`, spans a v4/Cloud server refuses there are resent over OTLP. The
   * route switches each way at most once, so the two paths cannot send spans back and forth forever.
   */
  private async viaIngestion(pipeline: Pipeline, spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const events = prepareEvents(spans, pipeline.prepare);
    const outcomes = await pipeline.ingestion.delivery.deliver(events, deadline);
    const refused = this.refusedForPath(pipeline, 'ingestion', events, outcomes);
    if (!refused) return accountOutcomes(events, outcomes, this.stats_, this.memory);

    pipeline.route.switchFrom('ingestion', refused.reason);
    const resend = spans.filter((span) => refused.spanIds.has(span.spanContext().spanId) || refused.traceIds.has(span.spanContext().traceId));
    this.stats_.add('spansResent', resend.length);
    const kept = events.filter((event) => !refused.events.has(event));
    const legacy = accountOutcomes(kept, outcomes, this.stats_, this.memory);
    return combineResults(legacy, await this.viaOtlp(pipeline, resend, deadline));
  }

  /** The OTLP path; with `transport: 'auto'`, spans an old server (no OTLP endpoint) refuses go to the legacy path. */
  private async viaOtlp(pipeline: Pipeline, spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const { mask } = pipeline.config;
    const onMaskFailure = () => this.log.once('debug', 'mapping-mask-failed', `mask threw; the value was replaced by a marker`);
    const sent = mask ? spans.map((span) => maskSpan(span, mask, onMaskFailure)) : spans;
    const outcomes = await pipeline.otlp.delivery.deliver(sent, deadline);
    let reason: string | undefined;
    const resend: ReadableSpan[] = [];
    sent.forEach((span, i) => {
      const outcome = outcomes.get(span);
      if (!outcome || outcome.kind === 'accepted' || !pipeline.route.shouldSwitch('otlp', outcome.reason)) return;
      reason ??= outcome.reason;
      resend.push(spans[i]!);
      outcomes.delete(span);
    });
    const otlp = accountSpanOutcomes(outcomes, this.stats_);
    if (reason === undefined) return otlp;

    pipeline.route.switchFrom('otlp', reason);
    this.stats_.add('spansResent', resend.length);
    return combineResults(otlp, await this.viaIngestion(pipeline, resend, deadline));
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
      const outcomes = await pipeline.ingestion.delivery.deliver(events, deadline);
      accountOutcomes(events, outcomes, this.stats_, this.memory);
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

  private buildPipeline(config: ResolvedExporterConfig): Pipeline {
    const retry = { initialDelayMs: config.initialRetryDelayMs, maxDelayMs: config.maxRetryDelayMs };
    const transportFor = (url: URL, headers: Record<string, string>) =>
      new HttpTransport({
        url,
        username: config.publicKey,
        password: config.secretKey,
        headers: {
          ...config.additionalHeaders,
          ...headers,
          'x-langfuse-sdk-name': SDK_NAME,
          'x-langfuse-sdk-version': SDK_VERSION,
          'x-langfuse-public-key': config.publicKey,
        },
        requestTimeoutMs: config.requestTimeoutMs,
        maxRetries: config.maxRetries,
        maxSockets: config.maxConcurrentRequests,
        retry,
        maxRetryAfterMs: config.exportTimeoutMs,
        onRequest: (bytes) => {
          this.stats_.add('requests');
          this.stats_.add('bytesSent', bytes);
        },
        onRetry: (reason) => {
          this.stats_.add('retries');
          this.log.debug(`retrying a request after ${reason}`);
        },
      });

    const ingestionUrl = new URL(config.baseUrl + INGESTION_PATH);
    // The legacy path takes JSON only, never gzip: a gzipped body fails there as invalid JSON.
    const ingestionTransport = transportFor(ingestionUrl, { 'content-type': 'application/json' });
    const ingestionDelivery = new IngestionDelivery(
      ingestionTransport,
      {
        endpoint: ingestionUrl.href,
        maxBatchBytes: config.maxBatchBytes,
        maxEventBytes: config.maxEventBytes,
        maxRetries: config.maxRetries,
        retry,
        resendsRefusedTypes: config.transport === 'auto',
        onEventRetryRound: () => this.stats_.add('retries'),
        onDowngraded: (count) => this.stats_.add('eventsDowngraded', count),
      },
      this.log,
    );

    const otlpUrl = new URL(config.baseUrl + OTLP_PATH);
    const otlpTransport = transportFor(otlpUrl, {
      'content-type': OTLP_CONTENT_TYPES[config.otlpEncoding],
      'content-encoding': 'gzip',
      // Without it a Langfuse v4 server may hold the data back for up to 10 minutes.
      'x-langfuse-ingestion-version': '4',
    });
    const otlpDelivery = new OtlpDelivery(otlpTransport, { endpoint: otlpUrl.href, encoding: config.otlpEncoding, maxBatchBytes: config.maxBatchBytes }, this.log);

    const mapper = createSpanMapper(
      { environment: config.environment, release: config.release, mask: config.mask },
      (note) => this.log.once('debug', `mapping-${note.code}`, note.message),
    );
    const prepare: PrepareDeps = {
      mapper,
      memory: this.memory,
      stats: this.stats_,
      log: this.log,
      maxEventBytes: config.maxEventBytes,
      shouldExportSpan: config.shouldExportSpan,
    };
    const pipeline: Pipeline = {
      config,
      prepare,
      route: new TransportRoute(config.transport, config.baseUrl, this.log),
      ingestion: { transport: ingestionTransport, delivery: ingestionDelivery },
      otlp: { transport: otlpTransport, delivery: otlpDelivery },
      scores: new ScoreQueue({ maxQueued: 10_000, flushAt: 100, flushIntervalMs: 1_000, send: (scores) => this.sendScores(pipeline, scores) }),
    };
    return pipeline;
  }
}
