import type { Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ExportPolicy, LangfuseExporterOptions, MaskFunction } from '@otel-langfuse/exporter';

/** `batch`: a BatchSpanProcessor (spans leave in batches, off the request path). `sync`: a SimpleSpanProcessor (each span is sent when it ends; for tests and short-lived functions). */
export type ProcessorMode = 'batch' | 'sync';

/**
 * Options of {@link createLangfuseSpanProcessor}: the exporter's options plus the processor's. Each falls
 * back to an environment variable, then a default.
 */
export interface LangfuseSpanProcessorOptions extends LangfuseExporterOptions {
  /** Default `batch`. */
  mode?: ProcessorMode;
  /**
   * Which spans are sent. `'llm'` (default): the facade's spans, spans with `langfuse.*` or `gen_ai.*` attributes
   * and spans of known LLM instrumentation; a kept span whose parent is dropped (an HTTP or database span) hangs
   * under its nearest kept ancestor, or becomes a root. `'all'`: every span. A function decides per ended span.
   * Env `LANGFUSE_EXPORT_POLICY` (`llm` or `all`).
   */
  exportPolicy?: ExportPolicy;
  /** Spans per export batch (batch mode). Env `LANGFUSE_FLUSH_AT`, then `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`. Default 512. */
  flushAt?: number;
  /**
   * Seconds between scheduled exports (batch mode); fractions allowed. Seconds as in Langfuse's current JS and
   * Python SDKs (the old `langfuse` v3 JS client used milliseconds). Env `LANGFUSE_FLUSH_INTERVAL` (seconds),
   * then `OTEL_BSP_SCHEDULE_DELAY` (milliseconds, as OTel defines it). Default 5.
   */
  flushInterval?: number;
  /**
   * The deadline of `forceFlush()` called without one (milliseconds): what is still being sent then is aborted,
   * counted and dead-lettered. Env `LANGFUSE_FLUSH_TIMEOUT_MS`. Default 2500 (short enough for a serverless request
   * path when Langfuse is down; long enough for a healthy server to take a few thousand spans).
   */
  flushTimeoutMs?: number;
  /**
   * Spans held before new ones are dropped (batch mode); in sync mode the exporter's cap on pending exports
   * unless `maxPendingExports` is given. Env `OTEL_BSP_MAX_QUEUE_SIZE`. Default 2048, at least `flushAt`.
   */
  maxQueueSize?: number;
  /** False turns tracing off: no exporter, no network, user code runs unchanged. Env `LANGFUSE_TRACING_ENABLED`. Default true. */
  enabled?: boolean;
}

/** Options of {@link setupLangfuse}. */
/** See {@link LangfuseSetupOptions.registerGlobal}. */
export type RegisterGlobal = boolean | 'auto';

export interface LangfuseSetupOptions extends LangfuseSpanProcessorOptions {
  /**
   * Runs on input, output and metadata. The facade applies it before a value reaches a span (a throwing or
   * asynchronous mask yields `'<masking failed>'`, never the raw value), and the exporter applies it again to
   * every exported span, covering spans other instrumentation records on this provider: it must be
   * synchronous and idempotent (masking masked data changes nothing), as redaction is.
   */
  mask?: MaskFunction;
  /**
   * Share of traces kept, 0..1, decided from the trace id (deterministic) and parent-based, so a trace is kept
   * or dropped whole, across services too: a remote caller's decision is followed. Under another vendor's local
   * span (isolated mode) this rate decides, not that vendor's sampler. Env `LANGFUSE_SAMPLE_RATE`. Default 1.
   */
  sampleRate?: number;
  /**
   * Whether the provider becomes the global TracerProvider (with W3C propagators where none exist), so spans of
   * instrumentation that uses the global tracer (the Vercel AI SDK, OpenLLMetry, HTTP auto-instrumentation) reach
   * Langfuse too. `'auto'` (default): when no other provider holds the global slot; when one does (Sentry, Datadog,
   * NodeSDK, @vercel/otel), it is left alone and one warning says what to add to it. `true`: the same, but the
   * warning is about the refusal. `false`: isolated, nothing global is touched, no warning.
   */
  registerGlobal?: RegisterGlobal;
  /** `service.name` of the resource. Default `OTEL_SERVICE_NAME`, else OTel's default. */
  serviceName?: string;
  /**
   * Resource merged over the defaults (and `OTEL_RESOURCE_ATTRIBUTES`): an OTel `Resource`, or plain attributes such
   * as `{ 'service.version': '1.2.3', 'deployment.environment.name': 'prod' }`. Invalid attribute values are left out
   * with a warning.
   */
  resource?: Resource | Attributes;
  /** More processors on the same provider (after Langfuse's), e.g. a console exporter while debugging. */
  spanProcessors?: SpanProcessor[];
  /** Longest wait of `shutdown()`, in ms. Default 5000. */
  shutdownTimeoutMs?: number;
  /** Flush queued spans when the event loop empties (`beforeExit`) in batch mode. Default true. */
  flushOnExit?: boolean;
  /** Baggage keys `injectTraceContext`/`extractTraceContext` pass on. Default none. */
  baggageKeys?: string[];
}
