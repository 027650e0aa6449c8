import type { Context } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createExportPolicyProcessor, LangfuseSpanExporter, type ExporterStats, type ExportPolicy, type LangfuseScore } from '@otel-langfuse/exporter';
import { registerProcessorMask } from '../facade/facade-config.js';
import { describeFailure, log } from '../logger.js';
import { synchronousMask } from '../values/mask.js';
import { emptyExporterStats as emptyStats } from '@otel-langfuse/exporter';
import { QueueLimit, TakenCounter } from './queue-limit.js';
import { resolveProcessorConfig, type ResolvedProcessorConfig } from './resolve-setup-config.js';
import type { LangfuseSpanProcessorOptions } from './setup-options.js';

/** A SpanProcessor that sends spans to Langfuse; add it to your own provider or NodeSDK. */
export interface LangfuseSpanProcessor extends SpanProcessor {
  /** False when tracing is off (`enabled: false`, no keys, an invalid `baseUrl`): spans are ignored at no cost. */
  readonly enabled: boolean;
  /** Why `enabled` is false, e.g. `baseUrl is not a valid URL (got "not a url")`; never a secret. Undefined when enabled. */
  readonly disabledReason: string | undefined;
  /** Resolves when everything queued or in flight is delivered or has definitively failed; never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes, then closes the exporter; idempotent; never rejects. */
  shutdown(): Promise<void>;
  /** The exporter's counters. */
  stats(): ExporterStats;
  /** Queues a score with the exporter (see `LangfuseSpanExporter.score`). */
  score(score: LangfuseScore): void;
}

/** What the setup holds: the processor, and a way to stop waiting for a server its shutdown deadline gave up on. */
export interface AbortableSpanProcessor extends LangfuseSpanProcessor {
  /** Aborts the exporter's deliveries in flight (counted and dead-lettered as `shutdown`). */
  abortDeliveries(): void;
}

class LangfuseSpanProcessorImpl implements AbortableSpanProcessor {
  private readonly inner: SpanProcessor;
  private readonly exporter: LangfuseSpanExporter | undefined;
  private readonly disabledBecause: string | undefined;

  constructor(
    options: LangfuseSpanProcessorOptions,
    config: ResolvedProcessorConfig,
    /** Runs on shutdown: what the processor registered outside itself. */
    private readonly release: (() => void) | undefined,
  ) {
    if (config.disabled !== undefined) {
      this.disabledBecause = config.disabled.message;
      this.inner = new NoopSpanProcessor();
      return;
    }
    const exporter = new LangfuseSpanExporter(exporterOptions(options, config));
    this.exporter = exporter;
    if (!exporter.enabled) {
      // Nothing can be exported (the exporter said why): spans are ignored at no cost.
      this.disabledBecause = exporter.disabledReason;
      this.inner = new NoopSpanProcessor();
      return;
    }
    const delivery = config.mode === 'sync' ? new SimpleSpanProcessor(exporter) : batchDelivery(exporter, config);
    const policy = exportPolicyOf(options);
    // Only what an LLM user wants (our spans, langfuse.*/gen_ai.* spans, LLM instrumentation), never orphaning a kept span.
    this.inner = policy === 'all' ? delivery : createExportPolicyProcessor(delivery, { policy });
  }

  get enabled(): boolean {
    return this.disabledBecause === undefined;
  }

  get disabledReason(): string | undefined {
    return this.disabledBecause;
  }

  score(score: LangfuseScore): void {
    this.exporter?.score(score);
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.inner.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    try {
      await this.inner.forceFlush();
    } catch (error) {
      // Failed batches are counted in stats() and logged by the exporter.
      log.debug(`forceFlush: some spans were not delivered: ${describeFailure(error)}`);
    }
    // The batch processor does not wait for exports its timer started; the exporter knows every one in flight.
    await this.exporter?.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.release?.();
    try {
      await this.inner.shutdown();
    } catch (error) {
      log.debug(`shutdown: some spans were not delivered: ${describeFailure(error)}`);
    }
  }

  stats(): ExporterStats {
    return this.exporter?.stats() ?? emptyStats();
  }

  abortDeliveries(): void {
    this.exporter?.abort();
  }
}

/** A BatchSpanProcessor whose full queue's drops are counted and dead-lettered by the exporter. */
function batchDelivery(exporter: LangfuseSpanExporter, config: ResolvedProcessorConfig): SpanProcessor {
  const counter = new TakenCounter(exporter);
  const batch = new BatchSpanProcessor(counter, {
    maxExportBatchSize: config.maxExportBatchSize,
    scheduledDelayMillis: config.scheduledDelayMillis,
    maxQueueSize: config.maxQueueSize,
    exportTimeoutMillis: config.exportTimeoutMillis,
  });
  return new QueueLimit(batch, counter, config.maxQueueSize, (spans) => exporter.recordDropped(spans, 'queue-full'));
}

/** Batches delivered at once in batch mode, unless the user chose otherwise: one being prepared, one on the wire. */
const BATCH_EXPORT_CONCURRENCY = 2;

/**
 * The exporter's options. In sync mode every ended span is its own export call, so a burst of spans means as many pending exports: the
 * exporter's default cap (64, sized for batches) would drop most of them. Unless the user chose a cap, sync
 * mode allows as many pending exports as batch mode queues spans.
 */
function exporterOptions(options: LangfuseSpanProcessorOptions, config: ResolvedProcessorConfig): LangfuseSpanProcessorOptions {
  const result = { ...options };
  if (config.mode === 'sync' && options.maxPendingExports === undefined) result.maxPendingExports = config.maxQueueSize;
  // This processor's forceFlush waits for the exporter too, so the batch processor may hand over the next batch
  // while the previous one is still on the wire.
  if (config.mode === 'batch' && options.exportConcurrency === undefined) result.exportConcurrency = BATCH_EXPORT_CONCURRENCY;
  if (typeof options.mask === 'function') result.mask = synchronousMask(options.mask);
  return result;
}

/** Logs the configuration's warnings and, once, why tracing is off. */
export function reportConfig(config: ResolvedProcessorConfig): void {
  for (const warning of config.warnings) log.warn(warning);
  if (config.disabled !== undefined) log.once(config.disabled.level, `disabled-${config.disabled.level}`, config.disabled.message);
}

export function buildLangfuseSpanProcessor(
  options: LangfuseSpanProcessorOptions,
  config: ResolvedProcessorConfig,
  release?: () => void,
): AbortableSpanProcessor {
  return new LangfuseSpanProcessorImpl(options, config, release);
}

/**
 * A Langfuse span processor for a provider you own (`new NodeTracerProvider({ spanProcessors: [...] })`,
 * `new NodeSDK({ spanProcessors: [...] })`): batch or sync around a `LangfuseSpanExporter`. With it, the
 * facade (`langfuse.trace()`, ...) traces through the global provider, applying this processor's `mask`
 * before values reach span attributes (until the processor shuts down). The provider's owner flushes: call
 * `provider.shutdown()` / `sdk.shutdown()` (or this processor's `forceFlush()`) before the process exits.
 */
export function createLangfuseSpanProcessor(options: LangfuseSpanProcessorOptions = {}): LangfuseSpanProcessor {
  const given = options ?? {};
  const config = resolveProcessorConfig(given);
  reportConfig(config);
  const release = typeof given.mask === 'function' ? registerProcessorMask(synchronousMask(given.mask)) : undefined;
  return buildLangfuseSpanProcessor(given, config, release);
}

/** `exportPolicy` option, else `LANGFUSE_EXPORT_POLICY` (`llm` or `all`), else `llm`. */
function exportPolicyOf(options: LangfuseSpanProcessorOptions): ExportPolicy {
  const option = options.exportPolicy;
  if (option === 'llm' || option === 'all' || typeof option === 'function') return option;
  if (option !== undefined) log.once('warn', 'export-policy-invalid', "exportPolicy must be 'llm', 'all' or a function; using 'llm'");
  const env = process.env['LANGFUSE_EXPORT_POLICY']?.trim().toLowerCase();
  if (env === 'llm' || env === 'all') return env;
  if (env) log.once('warn', 'export-policy-env-invalid', "LANGFUSE_EXPORT_POLICY must be 'llm' or 'all'; using 'llm'");
  return 'llm';
}
