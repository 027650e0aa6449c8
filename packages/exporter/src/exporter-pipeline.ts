import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ResolvedExporterConfig } from './config/exporter-options.js';
import { BreakerTransport } from './delivery/http/breaker-transport.js';
import { CircuitBreaker } from './delivery/http/circuit-breaker.js';
import { HttpTransport } from './delivery/http/http-transport.js';
import type { InFlightTracker } from './delivery/in-flight-tracker.js';
import { IngestionDelivery } from './delivery/ingestion/ingestion-delivery.js';
import { MemoryBudget } from './delivery/memory-budget.js';
import { OtlpDelivery } from './delivery/otlp/otlp-delivery.js';
import { OTLP_CONTENT_TYPES } from './delivery/otlp/otlp-encoding.js';
import { createOtlpSpanView } from './delivery/otlp/otlp-span-view.js';
import { spanEventSpans } from './delivery/otlp/span-event-spans.js';
import { createTraceUpdateCarry } from './delivery/otlp/trace-update-carry.js';
import { SpanDelivery } from './delivery/span-delivery.js';
import { TransportRoute } from './delivery/transport-route.js';
import type { ComponentLogger } from './diagnostics/component-logger.js';
import type { StatsRecorder } from './diagnostics/exporter-stats.js';
import { mapForDeadLetter } from './events/prepare-events.js';
import type { TraceCreateMemory } from './events/trace-create-memory.js';
import { DeadLetter } from './losses/dead-letter.js';
import { DeadLetterFile } from './losses/dead-letter-file.js';
import { DropSummary } from './losses/drop-summary.js';
import { openSpool } from './spool/open-spool.js';
import type { DiskSpool } from './spool/disk-spool.js';
import { createSpanMapper, type NoteSink } from './mapping/index.js';
import { MediaStage } from './media/media-stage.js';
import { MediaUploader } from './media/media-uploader.js';
import { createNote } from './mapping/notes.js';
import { ScoreQueue } from './scores/score-queue.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

const INGESTION_PATH = '/api/public/ingestion';
const OTLP_PATH = '/api/public/otel/v1/traces';
/** The drop summary line comes at most this often. */
export const DROP_SUMMARY_INTERVAL_MS = 60_000;

/** What the exporter needs once its config is valid. */
export interface Pipeline {
  config: ResolvedExporterConfig;
  /** Where each accepted batch goes: it owns the route, the sending and the accounting. */
  delivery: SpanDelivery;
  /** The HTTP transports of both paths and the media uploader (closed at shutdown and abort). */
  transports: readonly Pick<HttpTransport, 'abortInFlight' | 'shutdown'>[];
  scores: ScoreQueue;
  budget: MemoryBudget;
  breaker: CircuitBreaker;
  deadLetter: DeadLetter;
  deadLetterFile: DeadLetterFile | undefined;
  /** The on-disk spool, when `spoolDir` is set and usable. */
  spool: DiskSpool | undefined;
  summary: DropSummary;
}

export interface PipelineDeps {
  stats: StatsRecorder;
  log: ComponentLogger;
  memory: TraceCreateMemory;
  inFlight: InFlightTracker;
}

/** Builds the delivery machinery for a valid config: transports, deliveries, guards, dead-letter. */
export function buildPipeline(config: ResolvedExporterConfig, deps: PipelineDeps): Pipeline {
  const { stats, log } = deps;
  const retry = { initialDelayMs: config.initialRetryDelayMs, maxDelayMs: config.maxRetryDelayMs };
  const breaker = new CircuitBreaker(
    { threshold: config.circuitBreakerThreshold, cooldownMs: config.circuitBreakerCooldownMs, maxCooldownMs: config.circuitBreakerMaxCooldownMs },
    log,
  );
  // Every request the exporter makes (events, spans, media) counts the same way.
  const countRequest = (bytes: number) => {
    stats.add('requests');
    stats.add('bytesSent', bytes);
  };
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
      network: config.network,
      retry,
      maxRetryAfterMs: config.exportTimeoutMs,
      onRequest: countRequest,
      onRetry: (reason) => {
        stats.add('retries');
        log.debug(`retrying a request after ${reason}`);
      },
    });

  const ingestionUrl = new URL(config.baseUrl + INGESTION_PATH);
  // The legacy path takes JSON only, never gzip: a gzipped body fails there as invalid JSON.
  const ingestionTransport = transportFor(ingestionUrl, { 'content-type': 'application/json' });
  const ingestionDelivery = new IngestionDelivery(
    new BreakerTransport(ingestionTransport, breaker),
    {
      endpoint: ingestionUrl.href,
      maxBatchBytes: config.maxBatchBytes,
      maxEventBytes: config.maxEventBytes,
      maxRetries: config.maxRetries,
      retry,
      resendsRefusedTypes: config.transport === 'auto',
      onEventRetryRound: () => stats.add('retries'),
      onDowngraded: (count) => stats.add('eventsDowngraded', count),
    },
    log,
  );

  const otlpUrl = new URL(config.baseUrl + OTLP_PATH);
  const otlpTransport = transportFor(otlpUrl, {
    'content-type': OTLP_CONTENT_TYPES[config.otlpEncoding],
    // Without it a Langfuse v4 server may hold the data back for up to 10 minutes.
    'x-langfuse-ingestion-version': '4',
  });
  const otlpDelivery = new OtlpDelivery(
    new BreakerTransport(otlpTransport, breaker),
    {
      endpoint: otlpUrl.href,
      encoding: config.otlpEncoding,
      maxBatchBytes: config.maxBatchBytes,
      // Called at delivery, after otlpView below is set.
      companionsOf: (span) => spanEventSpans(span).map(otlpView),
    },
    log,
  );

  const onMappingNote: NoteSink = (note) => log.once('debug', `mapping-${note.code}`, note.message);
  const mapper = createSpanMapper({ environment: config.environment, release: config.release, mask: config.mask }, onMappingNote);
  const onMaskFailure = () => log.once('debug', 'mapping-mask-failed', `mask threw; the value was replaced by a marker`);
  // What the OTLP path sends: masked, with the exporter's environment/release and the legacy mapping's normalizations.
  const otlpView = createOtlpSpanView({
    environment: config.environment,
    release: config.release,
    mask: config.mask,
    onMaskFailure,
    note: createNote(onMappingNote),
  });
  const carryTraceUpdates = createTraceUpdateCarry();
  const maskForOtlp = (spans: readonly ReadableSpan[]) => carryTraceUpdates(spans.map(otlpView));

  const deadLetterFile = config.deadLetterPath === undefined ? undefined : new DeadLetterFile(config.deadLetterPath, config.deadLetterMaxBytes, log);
  const route = new TransportRoute(config.transport, config.baseUrl, log);
  // A spool resend can be the first to meet a server upgraded to v4 during an outage: new spans follow it to OTLP.
  const spool = openSpool(config, breaker, log, (reason) => {
    if (route.shouldSwitch('ingestion', reason)) route.switchFrom('ingestion', reason);
  });
  const deadLetter = new DeadLetter({
    spool,
    onDrop: config.onDrop,
    file: deadLetterFile,
    log,
    secrets: [config.secretKey],
    eventsOf: (spans) => mapForDeadLetter(spans, mapper, config.maxEventBytes),
    maskedForOtlp: maskForOtlp,
  });
  const summary = new DropSummary({ intervalMs: DROP_SUMMARY_INTERVAL_MS }, log, () =>
    deadLetterFile ? `${deadLetterFile.written} records in the dead-letter file so far` : '',
  );
  stats.observer = summary;

  const sdkHeaders = { ...config.additionalHeaders, 'x-langfuse-sdk-name': SDK_NAME, 'x-langfuse-sdk-version': SDK_VERSION, 'x-langfuse-public-key': config.publicKey };
  const uploader = config.mediaUpload
    ? new MediaUploader({
        baseUrl: config.baseUrl,
        username: config.publicKey,
        password: config.secretKey,
        headers: sdkHeaders,
        network: config.network,
        requestTimeoutMs: config.requestTimeoutMs,
        maxRetries: config.maxRetries,
        retry,
        concurrency: config.maxConcurrentRequests,
        onRequest: countRequest,
      })
    : undefined;
  const media = uploader ? new MediaStage({ maxMediaBytes: config.maxMediaBytes, uploader, stats, log }) : undefined;

  const budget = new MemoryBudget(config.maxBufferedBytes);
  const delivery = new SpanDelivery({
    config,
    prepare: { mapper, memory: deps.memory, stats, log, maxEventBytes: config.maxEventBytes, shouldExportSpan: config.shouldExportSpan, media },
    route,
    ingestion: ingestionDelivery,
    otlp: otlpDelivery,
    budget,
    breaker,
    deadLetter,
    maskForOtlp,
    stats,
    log,
    memory: deps.memory,
    inFlight: deps.inFlight,
    media,
  });
  return {
    config,
    delivery,
    transports: uploader ? [ingestionTransport, otlpTransport, uploader] : [ingestionTransport, otlpTransport],
    scores: new ScoreQueue({ maxQueued: 10_000, flushAt: 100, flushIntervalMs: 1_000, send: (scores) => delivery.deliverScores(scores) }),
    budget,
    breaker,
    deadLetter,
    deadLetterFile,
    spool,
    summary,
  };
}
