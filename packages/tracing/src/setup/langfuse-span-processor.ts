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
import { bufferedBytesCapOf, duringFlush, quoteValue } from '@otel-langfuse/exporter/internal';
import { registerProcessorMask } from '../facade/facade-config.js';
import { describeFailure, log } from '../logger.js';
import { synchronousMask } from '../values/mask.js';
import { emptyExporterStats as emptyStats } from '@otel-langfuse/exporter';
import { timeoutOf, type FlushOptions } from './flush-options.js';
import { QueueLimit, TakenCounter } from './queue-limit.js';
import { resolveProcessorConfig, type ResolvedProcessorConfig } from './resolve-setup-config.js';
import type { LangfuseSpanProcessorOptions } from './setup-options.js';
import { settlesWithin } from './with-timeout.js';
import { applyPropagatedAttributes } from './propagated-attributes.js';
import { stampTraceStart } from './trace-start-stamp.js';
import { linkJobRoot } from '../jobs/job-link.js';

/** A SpanProcessor that sends spans to Langfuse; add it to your own provider or NodeSDK. */
export interface LangfuseSpanProcessor extends SpanProcessor {
  /** False when tracing is off (`enabled: false`, no keys, an invalid `baseUrl`): spans are ignored at no cost. */
  readonly enabled: boolean;
  /** Why `enabled` is false, e.g. `baseUrl is not a valid URL (got "not a url")`; never a secret. Undefined when enabled. */
  readonly disabledReason: string | undefined;
  /**
   * Resolves when everything queued or in flight is delivered or has definitively failed, or by `timeoutMs`
   * (default 2.5 s): what is still being sent then is aborted, counted in `stats()` and dead-lettered. Never rejects.
   */
  forceFlush(options?: FlushOptions): Promise<void>;
  /** Flushes, then closes the exporter, by `timeoutMs` (default: the export timeout + 1 s); idempotent; never rejects. */
  shutdown(options?: FlushOptions): Promise<void>;
  /** The exporter's counters. */
  stats(): ExporterStats;
  /** Queues a score with the exporter (see `LangfuseSpanExporter.score`). */
  score(score: LangfuseScore): void;
}

/** What the setup holds: the processor, and a way to stop waiting for a server its shutdown deadline gave up on. */
export interface AbortableSpanProcessor extends LangfuseSpanProcessor {
  /** Aborts the exporter's deliveries in flight (counted and dead-lettered as `shutdown`). */
  abortDeliveries(): void;
  /** Like `forceFlush`; resolves to whether everything was settled before the deadline. */
  flushWithin(timeoutMs: number): Promise<boolean>;
  /** Spans ended and not yet delivered or given up on: queued in the batch processor or on the wire. */
  unsentSpans(): number;
}

/** Of a flush's deadline, what is left for the exporter to abort what is still running and account for it. */
const EXPORTER_SHARE_MS = 300;

class LangfuseSpanProcessorImpl implements AbortableSpanProcessor {
  private readonly inner: SpanProcessor;
  private readonly exporter: LangfuseSpanExporter | undefined;
  private readonly disabledBecause: string | undefined;
  private queue: QueueLimit | undefined;
  private readonly flushTimeoutMs: number;

  constructor(
    options: LangfuseSpanProcessorOptions,
    config: ResolvedProcessorConfig,
    /** Runs on shutdown: what the processor registered outside itself. */
    private readonly release: (() => void) | undefined,
  ) {
    this.flushTimeoutMs = config.flushTimeoutMs;
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
    if (config.mode === 'batch') this.queue = batchDelivery(exporter, config);
    const delivery = this.queue ?? new SimpleSpanProcessor(exporter);
    const policy = exportPolicyOf(options);
    // Only what an LLM user wants (our spans, langfuse.*/gen_ai.* spans, LLM instrumentation), never orphaning a kept
    // span; under 'all' too, a callee's root is re-pointed when the caller's policy dropped its parent.
    this.inner = createExportPolicyProcessor(delivery, { policy });
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

  /** Never throws into span start: a failure is logged once, and the span goes on to delivery as it is. */
  onStart(span: Span, parentContext: Context): void {
    try {
      if (this.disabledBecause === undefined) {
        stampTraceStart(span);
        applyPropagatedAttributes(span, parentContext);
        linkJobRoot(span, parentContext);
      }
    } catch (error) {
      log.once('warn', 'on-start-failed', `onStart: a span's trace attributes could not be written (${describeFailure(error)}); it is delivered without them`);
    }
    try {
      this.inner.onStart(span, parentContext);
    } catch (error) {
      log.once('warn', 'on-start-failed', `onStart: a span could not be tracked for delivery (${describeFailure(error)})`);
    }
  }

  onEnd(span: ReadableSpan): void {
    this.inner.onEnd(span);
  }

  async forceFlush(options?: FlushOptions): Promise<void> {
    await this.flushWithin(timeoutOf(options, this.flushTimeoutMs));
  }

  async flushWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let settled = false;
    try {
      const exporter = this.exporter;
      const started = this.handingOver(() => this.inner.forceFlush());
      const inner = started.catch((error: unknown) => {
        // Failed batches are counted in stats() and logged by the exporter.
        log.debug(`forceFlush: some spans were not delivered: ${describeFailure(error)}`);
      });
      settled = await settlesWithin(inner, timeoutMs - Math.min(EXPORTER_SHARE_MS, timeoutMs / 2));
      // The batch processor does not wait for exports its timer started; the exporter knows every one in flight.
      if (exporter) {
        const before = exporter.spansInFlight;
        await exporter.forceFlush({ timeoutMs: Math.max(0, deadline - Date.now()) });
        settled &&= before === 0 || exporter.spansInFlight === 0;
      }
    } catch (error) {
      log.debug(`forceFlush: ${describeFailure(error)}`);
    }
    return settled && this.unsentSpans() === 0;
  }

  /**
   * Runs `handOver` (the inner processor's flush or shutdown) with the exporter told its batches come from a flush:
   * they start at once, not a turn of the event loop later, and none waits behind another (see duringFlush).
   */
  private handingOver(handOver: () => Promise<void>): Promise<void> {
    return this.exporter ? duringFlush(this.exporter, handOver) : handOver();
  }

  async shutdown(options?: FlushOptions): Promise<void> {
    this.release?.();
    try {
      const started = this.handingOver(() => this.inner.shutdown());
      const inner = started.catch((error: unknown) => {
        log.debug(`shutdown: some spans were not delivered: ${describeFailure(error)}`);
      });
      if (options?.timeoutMs === undefined) return await inner;
      const timeoutMs = timeoutOf(options, 0);
      const share = Math.min(EXPORTER_SHARE_MS, timeoutMs / 2);
      if (await settlesWithin(inner, timeoutMs - share)) return;
      // What is still on the wire is given up (counted, dead-lettered), so a hung server cannot hold the process.
      this.abortDeliveries();
      await settlesWithin(inner, share);
    } catch (error) {
      log.debug(`shutdown: ${describeFailure(error)}`);
    }
  }

  unsentSpans(): number {
    return (this.queue?.queued ?? 0) + (this.exporter?.spansInFlight ?? 0);
  }

  stats(): ExporterStats {
    return this.exporter?.stats() ?? emptyStats();
  }

  abortDeliveries(): void {
    this.exporter?.abort();
  }
}

/** The exporter's maxBufferedBytes when it does not say its own (it always does when enabled): its default. */
const DEFAULT_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * A BatchSpanProcessor whose full queue's drops are counted and dead-lettered by the exporter; the queue is bounded in
 * spans (maxQueueSize) and in attribute bytes (the exporter's maxBufferedBytes; sent early from a quarter of it).
 */
function batchDelivery(exporter: LangfuseSpanExporter, config: ResolvedProcessorConfig): QueueLimit {
  const counter = new TakenCounter(exporter);
  const batch = new BatchSpanProcessor(counter, {
    maxExportBatchSize: config.maxExportBatchSize,
    scheduledDelayMillis: config.scheduledDelayMillis,
    maxQueueSize: config.maxQueueSize,
    exportTimeoutMillis: config.exportTimeoutMillis,
  });
  const maxQueueBytes = bufferedBytesCapOf(exporter) ?? DEFAULT_BUFFERED_BYTES;
  // Sent early from a quarter of it: the exporter holds up to two batches at once, and on the legacy path a root span's
  // input and output travel twice (in its trace too), so what an early send hands over fits there.
  const sendEarlyBytes = Math.floor(maxQueueBytes / 4);
  return new QueueLimit(batch, counter, config.maxQueueSize, maxQueueBytes, sendEarlyBytes, (spans) => exporter.recordDropped(spans, 'queue-full'));
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
  if (option !== undefined) log.once('warn', 'export-policy-invalid', `exportPolicy ${quoteValue(option)} is invalid (must be 'llm', 'all' or a function); using 'llm'`);
  const env = process.env['LANGFUSE_EXPORT_POLICY']?.trim().toLowerCase();
  if (env === 'llm' || env === 'all') return env;
  if (env) log.once('warn', 'export-policy-env-invalid', "LANGFUSE_EXPORT_POLICY must be 'llm' or 'all'; using 'llm'");
  return 'llm';
}
