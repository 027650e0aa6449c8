import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ComponentLogger } from './component-logger.js';
import type { LangfuseExporterOptions, ResolvedExporterConfig } from './exporter-options.js';
import { StatsRecorder, type ExporterStats } from './exporter-stats.js';
import { HttpTransport } from './http-transport.js';
import { InFlightTracker } from './in-flight-tracker.js';
import { IngestionDelivery, type EventOutcome } from './ingestion-delivery.js';
import type { IngestionEvent } from './ingestion-event.js';
import { createSpanMapper, mergeTraceCreates, type SpanMapper } from './mapping/index.js';
import { downgradeObservation, isExtendedTypeEvent } from './observation-type-fallback.js';
import { resolveExporterConfig } from './resolve-exporter-config.js';
import { serializeEvent, type SerializedEvent } from './serialized-event.js';
import { TraceCreateMemory } from './trace-create-memory.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

const INGESTION_PATH = '/api/public/ingestion';

type State = 'running' | 'shutting-down' | 'shutdown';

/** What the exporter needs once its config is valid. */
interface Pipeline {
  config: ResolvedExporterConfig;
  mapper: SpanMapper;
  transport: HttpTransport;
  delivery: IngestionDelivery;
}

/**
 * An OpenTelemetry `SpanExporter` that turns ended spans into Langfuse ingestion events and posts them to
 * `/api/public/ingestion`. It never throws into the host app: a bad config disables it with one diagnostic, and
 * every delivery problem is counted in {@link LangfuseSpanExporter.stats}.
 */
export class LangfuseSpanExporter implements SpanExporter {
  private readonly log: ComponentLogger;
  private readonly stats_ = new StatsRecorder();
  private readonly inFlight = new InFlightTracker();
  private readonly traceCreates = new TraceCreateMemory();
  private readonly pipeline: Pipeline | undefined;
  private state: State = 'running';
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: LangfuseExporterOptions = {}) {
    const resolved = resolveExporterConfig(options ?? {});
    this.log = new ComponentLogger(SDK_NAME, [options?.secretKey, process.env['LANGFUSE_SECRET_KEY']]);
    for (const warning of resolved.warnings) this.log.warn(warning);
    if (!resolved.ok) {
      this.log.error(`exporting to Langfuse is disabled: ${resolved.reason}. Spans will be dropped (counted in stats().eventsDropped.disabled).`);
      return;
    }
    this.pipeline = this.buildPipeline(resolved.config);
  }

  /** Counters since construction: spans, events sent, rejected and dropped by reason, retries, requests, bytes. */
  stats(): ExporterStats {
    return this.stats_.snapshot(this.inFlight.size);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult) => {
      if (called) return;
      called = true;
      try {
        resultCallback(result);
      } catch (error) {
        this.log.error(`the span processor's export callback threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    try {
      const count = Array.isArray(spans) ? spans.length : 0;
      this.stats_.add('spansReceived', count);
      if (this.state === 'shutdown') {
        this.stats_.drop('shutdown', count);
        return done({ code: ExportResultCode.FAILED, error: new Error('LangfuseSpanExporter is shut down') });
      }
      if (!this.pipeline) {
        this.stats_.drop('disabled', count);
        return done({ code: ExportResultCode.SUCCESS });
      }
      if (this.inFlight.size >= this.pipeline.config.maxPendingExports) {
        this.stats_.drop('too-many-pending-exports', count);
        this.log.once('warn', 'pending-exports', `more than ${this.pipeline.config.maxPendingExports} exports are pending (the server is slow or down); dropping spans until they drain`);
        return done({ code: ExportResultCode.FAILED, error: new Error('LangfuseSpanExporter: too many pending exports') });
      }
      const deadline = Date.now() + this.pipeline.config.exportTimeoutMs;
      // export() runs inside the span.end() that filled the batch: do the work on a later turn of the event loop.
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.exportNow(spans, deadline))
        .then(done, (error: unknown) => {
          this.log.error(`export failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
          done({ code: ExportResultCode.FAILED, error: new Error('LangfuseSpanExporter: export failed unexpectedly') });
        });
      this.inFlight.track(task);
    } catch (error) {
      this.log.error(`export failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
      done({ code: ExportResultCode.FAILED, error: new Error('LangfuseSpanExporter: export failed unexpectedly') });
    }
  }

  /** Resolves when every export started so far has been delivered or has definitively failed. */
  async forceFlush(): Promise<void> {
    await this.inFlight.settled();
  }

  /** Waits for exports in flight (bounded by the export timeout), then closes connections. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  private async shutdownOnce(): Promise<void> {
    this.state = 'shutting-down';
    if (this.pipeline) {
      const settled = await this.inFlight.settledWithin(this.pipeline.config.exportTimeoutMs + 1_000);
      if (!settled) this.log.warn('shutdown: exports still in flight after the export timeout were aborted');
      this.pipeline.transport.shutdown();
      await this.inFlight.settledWithin(1_000);
    }
    this.state = 'shutdown';
  }

  private buildPipeline(config: ResolvedExporterConfig): Pipeline {
    const endpoint = new URL(config.baseUrl.origin + config.baseUrl.pathname.replace(/\/+$/, '') + INGESTION_PATH);
    const retry = { initialDelayMs: config.initialRetryDelayMs, maxDelayMs: config.maxRetryDelayMs };
    const transport = new HttpTransport({
      url: endpoint,
      username: config.publicKey,
      password: config.secretKey,
      headers: {
        ...config.additionalHeaders,
        'content-type': 'application/json',
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
    const delivery = new IngestionDelivery(
      transport,
      {
        endpoint: endpoint.href,
        maxBatchBytes: config.maxBatchBytes,
        maxEventBytes: config.maxEventBytes,
        maxRetries: config.maxRetries,
        retry,
        onEventRetryRound: () => this.stats_.add('retries'),
        onDowngraded: (count) => this.stats_.add('eventsDowngraded', count),
      },
      this.log,
    );
    const mapper = createSpanMapper(
      { environment: config.environment, release: config.release, mask: config.mask },
      (note) => this.log.once('debug', `mapping-${note.code}`, note.message),
    );
    return { config, mapper, transport, delivery };
  }

  private async exportNow(spans: ReadableSpan[], deadline: number): Promise<ExportResult> {
    const pipeline = this.pipeline!;
    const events = this.toEvents(spans, pipeline);
    const serialized = this.serialize(events, pipeline);
    const outcomes = await pipeline.delivery.deliver(serialized, deadline);
    return this.account(serialized, outcomes);
  }

  private toEvents(spans: ReadableSpan[], { config, mapper }: Pipeline): IngestionEvent[] {
    const events: IngestionEvent[] = [];
    for (const span of spans) {
      if (config.shouldExportSpan && !this.keep(span, config.shouldExportSpan)) {
        this.stats_.add('spansFiltered');
        continue;
      }
      try {
        events.push(...mapper.map(span));
      } catch (error) {
        this.stats_.drop('mapping-error');
        this.log.once('error', 'mapping-error', `could not map a span to Langfuse events (dropped): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return mergeTraceCreates(events);
  }

  private keep(span: ReadableSpan, predicate: (span: ReadableSpan) => boolean): boolean {
    try {
      return predicate(span) !== false;
    } catch (error) {
      this.log.once('warn', 'should-export-span-threw', `shouldExportSpan threw (the span is exported): ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
  }

  private serialize(events: IngestionEvent[], { config, delivery }: Pipeline): SerializedEvent[] {
    const out: SerializedEvent[] = [];
    for (let event of events) {
      if (event.type === 'trace-create' && this.traceCreates.has(event.body.id, JSON.stringify(event.body))) continue;
      if (!delivery.extendedTypesSupported && isExtendedTypeEvent(event)) {
        event = downgradeObservation(event);
        this.stats_.add('eventsDowngraded');
      }
      const spanId = event.type === 'trace-create' ? undefined : spanIdOf(event.body.id);
      const outcome = serializeEvent(event, config.maxEventBytes, spanId);
      if (!outcome.ok) {
        this.stats_.drop('event-too-large');
        this.log.once('warn', 'event-too-large', `an event of ${outcome.bytes} bytes does not fit maxEventBytes (${config.maxEventBytes}) even without input/output/metadata; dropped`);
        continue;
      }
      if (outcome.truncatedFields.length > 0) {
        this.stats_.add('eventsTruncated');
        this.log.once('warn', 'event-truncated', `an event over maxEventBytes (${config.maxEventBytes}) had its ${outcome.truncatedFields.join(', ')} replaced by a size marker`);
      }
      out.push(outcome.serialized);
    }
    return out;
  }

  private account(events: SerializedEvent[], outcomes: Map<SerializedEvent, EventOutcome>): ExportResult {
    const failedSpans = new Set<string>();
    const deliveredSpans = new Set<string>();
    const failures = new Map<string, number>();
    for (const event of events) {
      const outcome = outcomes.get(event) ?? { kind: 'dropped', reason: 'unsettled' };
      if (outcome.kind === 'accepted') {
        this.stats_.add('eventsSent');
        if (event.spanId) deliveredSpans.add(event.spanId);
        if (event.event.type === 'trace-create') this.traceCreates.remember(event.event.body.id, JSON.stringify(event.event.body));
        continue;
      }
      if (outcome.kind === 'rejected') this.stats_.reject(outcome.reason);
      else this.stats_.drop(outcome.reason);
      failures.set(outcome.reason, (failures.get(outcome.reason) ?? 0) + 1);
      if (event.spanId) failedSpans.add(event.spanId);
    }
    for (const spanId of deliveredSpans) if (!failedSpans.has(spanId)) this.stats_.add('spansExported');
    if (failures.size === 0) return { code: ExportResultCode.SUCCESS };
    const summary = [...failures].map(([reason, n]) => `${n} ${reason}`).join(', ');
    return { code: ExportResultCode.FAILED, error: new Error(`LangfuseSpanExporter: events not delivered: ${summary}`) };
  }
}

/** Observation ids are the span id, or `<spanId>-e<n>` for an OTel span event. */
function spanIdOf(observationId: string): string {
  const dash = observationId.indexOf('-');
  return dash === -1 ? observationId : observationId.slice(0, dash);
}
