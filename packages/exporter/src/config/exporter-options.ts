import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OnDropHook } from '../losses/dead-letter.js';
import type { NetworkConfig } from './network-config.js';
import type { MaskFunction } from '../mapping/index.js';

/** Options of {@link LangfuseSpanExporter}. Every option falls back to an environment variable or a default. */
export interface LangfuseExporterOptions {
  /** Langfuse public key. Env: `LANGFUSE_PUBLIC_KEY`. */
  publicKey?: string;
  /** Langfuse secret key. Env: `LANGFUSE_SECRET_KEY`. Never logged. */
  secretKey?: string;
  /**
   * Langfuse base URL, e.g. `https://cloud.langfuse.com` or a self-hosted URL.
   * Env: `LANGFUSE_BASE_URL`, then `LANGFUSE_BASEURL`, then `LANGFUSE_HOST`. Default `https://cloud.langfuse.com`.
   */
  baseUrl?: string;
  /** Default environment for traces and observations. Env: `LANGFUSE_TRACING_ENVIRONMENT`. */
  environment?: string;
  /** Default release for traces. Env: `LANGFUSE_RELEASE`. */
  release?: string;
  /** Timeout of one HTTP attempt, in ms. Env: `LANGFUSE_TIMEOUT_MS`. Default 10 000. */
  requestTimeoutMs?: number;
  /**
   * Overall deadline of one `export` call including all retries, in ms. Keep it below the span processor's
   * export timeout (30 000 by default). Env: `LANGFUSE_EXPORT_TIMEOUT_MS`. Default 25 000.
   */
  exportTimeoutMs?: number;
  /** Largest HTTP body sent, in bytes. Env: `LANGFUSE_MAX_BATCH_BYTES`. Default 3 500 000 (the server's limit is 4.5 MB). */
  maxBatchBytes?: number;
  /** Largest single event, in bytes; bigger ones have their largest input/output/metadata replaced by a marker. Env: `LANGFUSE_MAX_EVENT_BYTES`. Default 1 000 000. */
  maxEventBytes?: number;
  /** Retries of one request after a 408/429/5xx answer or a network error. Env: `LANGFUSE_MAX_RETRIES`. Default 5. */
  maxRetries?: number;
  /** First retry delay in ms (doubles each retry, with jitter, capped by `maxRetryDelayMs`). Default 500. */
  initialRetryDelayMs?: number;
  /** Cap of one retry delay in ms. Default 10 000. */
  maxRetryDelayMs?: number;
  /** HTTP requests in flight at once. Default 4. */
  maxConcurrentRequests?: number;
  /** `export` calls waiting or in flight at once; more are refused (counted as dropped). Default 64. */
  maxPendingExports?: number;
  /**
   * Exports delivered at once while the span processor hands over the next batch. Above 1, `export` reports
   * success as soon as the exporter has taken the batch (while fewer than this many are being delivered), so
   * preparing the next batch overlaps with the network; delivery failures are then only in `stats()`, the
   * `onDrop` hook and the dead letter. Whoever flushes must also call this exporter's `forceFlush()` (the
   * batch processor's own flush does not wait for it); `createLangfuseSpanProcessor`/`setupLangfuse` do, and set
   * 2 in batch mode. Default 1: `export` completes when its spans are delivered, as OTel's processors expect.
   */
  exportConcurrency?: number;
  /** Decides which ended spans are exported. A predicate that throws keeps the span. Default: every span. */
  shouldExportSpan?: (span: ReadableSpan) => boolean;
  /** Runs on input, output and metadata before they leave the process. If it throws, the value is replaced by a marker. */
  mask?: MaskFunction;
  /** Extra HTTP headers sent with every request. */
  additionalHeaders?: Record<string, string>;
  /**
   * Which Langfuse endpoint receives the spans. `'ingestion'`: the legacy batch API (`/api/public/ingestion`).
   * `'otlp'`: the OTLP endpoint (`/api/public/otel/v1/traces`). `'auto'`: OTLP for Langfuse Cloud; elsewhere the
   * legacy API while the server accepts it, switching to OTLP (and resending) when it does not. Env: `LANGFUSE_TRANSPORT`.
   * Default `'auto'`.
   */
  transport?: TransportSetting;
  /**
   * Body encoding on the OTLP path, gzipped from 8 KiB (smaller bodies travel as they are). `'json'` is what Langfuse's own SDKs send and costs less CPU
   * here than OpenTelemetry's protobuf writer, for ~3% more bytes after gzip. Env: `LANGFUSE_OTLP_ENCODING`. Default `'json'`.
   */
  otlpEncoding?: 'protobuf' | 'json';
  /**
   * Cap on memory held for delivery: bytes of serialized events and request bodies of every export in flight.
   * An export that would go over it is dropped (reason `memory-cap`). Env: `LANGFUSE_MAX_BUFFERED_BYTES`.
   * Default 67 108 864 (64 MiB); at least `maxEventBytes`.
   */
  maxBufferedBytes?: number;
  /**
   * Called with the events the exporter gives up on and why: rejected for good by the server or dropped (retries
   * exhausted, deadline, network, circuit open, memory cap, ...). Exceptions and rejections are caught and logged once.
   */
  onDrop?: OnDropHook;
  /**
   * Append what the exporter gives up on to this JSONL file (one record per event, or per span on the OTLP path;
   * never a key), to replay later with `otel-langfuse-replay`. Env: `LANGFUSE_DEAD_LETTER_PATH`. Default: no file.
   */
  deadLetterPath?: string;
  /** Largest size of the dead-letter file; later records are counted, not written. Env: `LANGFUSE_DEAD_LETTER_MAX_BYTES`. Default 52 428 800 (50 MiB). */
  deadLetterMaxBytes?: number;
  /**
   * A directory for the on-disk spool: what is given up on for a transient cause (server unreachable, 408/429/5xx
   * after retries, circuit open, memory cap or queue full during an outage, aborted at a flush or shutdown deadline)
   * is written there (mode 0600, no key) and sent again in the background once the server answers, also by the next
   * process started on the same directory. Permanent refusals never go there. A directory that cannot be written:
   * one warning, no spool. Env: `LANGFUSE_SPOOL_DIR`. Default: no spool (see docs/reliability.md).
   */
  spoolDir?: string;
  /** Largest total size of the spool directory; records beyond it are not spooled (drop newest, `stats().evicted`). Env: `LANGFUSE_SPOOL_MAX_BYTES`. Default 268 435 456 (256 MiB). */
  spoolMaxBytes?: number;
  /**
   * Consecutive failed requests (network errors, timeouts, 408/429/5xx after their retries) after which the
   * exporter stops sending for a cool-down; 0 turns the circuit breaker off. Env: `LANGFUSE_CIRCUIT_BREAKER_THRESHOLD`. Default 5.
   */
  circuitBreakerThreshold?: number;
  /** First cool-down of an open circuit, in ms; doubled after each failed probe. Env: `LANGFUSE_CIRCUIT_BREAKER_COOLDOWN_MS`. Default 10 000. */
  circuitBreakerCooldownMs?: number;
  /** Longest cool-down, in ms. Default 300 000; at least `circuitBreakerCooldownMs`. */
  circuitBreakerMaxCooldownMs?: number;
  /**
   * The HTTP proxy for every request to Langfuse (`http://host:port` or `https://...`, credentials as
   * `user:pass@`, never logged), or `false` to connect directly whatever the environment says. Default: as Node's
   * `NODE_USE_ENV_PROXY` does, `HTTPS_PROXY`/`HTTP_PROXY` by the URL's scheme (lowercase names first), hosts in
   * `NO_PROXY` direct. Env: `LANGFUSE_PROXY` (a URL, or `off`).
   */
  proxy?: string | false;
  /**
   * CA certificates (PEM) to trust besides Node's own, e.g. the private CA of a self-hosted Langfuse or of a
   * TLS-inspecting proxy. Env: `LANGFUSE_CA_FILE` (a PEM file). `NODE_EXTRA_CA_CERTS` works without this.
   */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * Skips checking the server's TLS certificate: for a local self-signed setup only (warned about at startup);
   * anyone on the path could read the keys. Prefer `ca`. Default false.
   */
  insecureSkipTlsVerify?: boolean;
  /**
   * Uploads media found in input, output and metadata (base64 `data:` URIs, OpenAI audio, AI SDK file/image parts,
   * GenAI blob parts) to Langfuse's media API and sends its reference instead of the bytes (see docs/media.md).
   * `false` keeps the values as they are (large ones are then truncated to fit `maxEventBytes`).
   * Env: `LANGFUSE_MEDIA_UPLOAD_ENABLED` (`true`/`false`). Default true.
   */
  mediaUpload?: boolean;
  /** Largest media item uploaded, in bytes (decoded); a larger one is replaced by a marker. Env: `LANGFUSE_MAX_MEDIA_BYTES`. Default 20 971 520 (20 MiB). */
  maxMediaBytes?: number;
}

export type TransportSetting = 'ingestion' | 'otlp' | 'auto';

export interface ResolvedExporterConfig {
  publicKey: string;
  secretKey: string;
  /** Origin plus path prefix, no trailing slash. */
  baseUrl: string;
  environment: string | undefined;
  release: string | undefined;
  requestTimeoutMs: number;
  exportTimeoutMs: number;
  maxBatchBytes: number;
  maxEventBytes: number;
  maxRetries: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  maxConcurrentRequests: number;
  maxPendingExports: number;
  exportConcurrency: number;
  shouldExportSpan: ((span: ReadableSpan) => boolean) | undefined;
  mask: MaskFunction | undefined;
  additionalHeaders: Record<string, string>;
  transport: TransportSetting;
  otlpEncoding: 'protobuf' | 'json';
  maxBufferedBytes: number;
  onDrop: OnDropHook | undefined;
  /** Absolute. */
  deadLetterPath: string | undefined;
  deadLetterMaxBytes: number;
  /** Absolute. */
  spoolDir: string | undefined;
  spoolMaxBytes: number;
  circuitBreakerThreshold: number;
  circuitBreakerCooldownMs: number;
  circuitBreakerMaxCooldownMs: number;
  network: NetworkConfig;
  mediaUpload: boolean;
  maxMediaBytes: number;
}

export const DEFAULT_BASE_URL = 'https://cloud.langfuse.com';

export const DEFAULTS = {
  requestTimeoutMs: 10_000,
  exportTimeoutMs: 25_000,
  maxBatchBytes: 3_500_000,
  maxEventBytes: 1_000_000,
  maxRetries: 5,
  initialRetryDelayMs: 500,
  maxRetryDelayMs: 10_000,
  maxConcurrentRequests: 4,
  maxPendingExports: 64,
  exportConcurrency: 1,
  maxBufferedBytes: 64 * 1024 * 1024,
  deadLetterMaxBytes: 50 * 1024 * 1024,
  spoolMaxBytes: 256 * 1024 * 1024,
  circuitBreakerThreshold: 5,
  circuitBreakerCooldownMs: 10_000,
  circuitBreakerMaxCooldownMs: 300_000,
  maxMediaBytes: 20 * 1024 * 1024,
} as const;
