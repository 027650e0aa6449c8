import { quoteValue } from '@otel-langfuse/exporter/internal';
import { envBoolean, envText, type Env } from './env.js';
import { DEFAULT_FLUSH_TIMEOUT_MS } from './flush-options.js';
import type { LangfuseSetupOptions, LangfuseSpanProcessorOptions, ProcessorMode, RegisterGlobal } from './setup-options.js';

export const PROCESSOR_DEFAULTS = {
  flushAt: 512,
  flushIntervalSeconds: 5,
  maxQueueSize: 2048,
  exportTimeoutMillis: 30_000,
} as const;

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/** A flush interval this large was almost certainly meant in milliseconds. */
const SUSPICIOUS_FLUSH_INTERVAL_SECONDS = 1_000;

export interface ResolvedProcessorConfig {
  /** Undefined when tracing is on; else why it is off and how loudly to say so. */
  disabled: { level: 'debug' | 'error'; message: string } | undefined;
  mode: ProcessorMode;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  maxQueueSize: number;
  exportTimeoutMillis: number;
  /** `forceFlush()`'s deadline when the caller gives none. */
  flushTimeoutMs: number;
  warnings: string[];
}

export interface ResolvedSetupConfig extends ResolvedProcessorConfig {
  sampleRate: number | undefined;
  registerGlobal: RegisterGlobal;
  shutdownTimeoutMs: number;
  flushOnExit: boolean;
  baggageKeys: string[];
}

/**
 * An option if given and valid, else the first valid environment variable of `envNames`, else undefined (the caller's
 * `fallback`). Every invalid value is reported with the value used instead.
 */
function pick(
  option: unknown,
  optionName: string,
  valid: (n: number) => boolean,
  requirement: string,
  envNames: readonly string[],
  env: Env,
  warnings: string[],
  fallback: number | string,
): number | undefined {
  const invalid: string[] = [];
  let chosen: number | undefined;
  if (option !== undefined) {
    if (typeof option === 'number' && valid(option)) chosen = option;
    else invalid.push(`${optionName} ${quoteValue(option)}`);
  }
  for (const name of envNames) {
    if (chosen !== undefined) break;
    const text = envText(env, name);
    if (text === undefined) continue;
    const value = Number(text);
    if (valid(value)) chosen = value;
    else invalid.push(`${name}=${JSON.stringify(text.slice(0, 40))}`);
  }
  for (const given of invalid) warnings.push(`${given} is invalid (must be ${requirement}); using ${chosen ?? fallback}`);
  return chosen;
}

/** A boolean option; anything else is reported with the value used instead. */
function registerGlobalOption(option: unknown, warnings: string[]): RegisterGlobal {
  if (option === 'auto' || typeof option === 'boolean') return option;
  if (option !== undefined) warnings.push(`registerGlobal ${quoteValue(option)} is invalid (must be 'auto', true or false); using 'auto'`);
  return 'auto';
}

function booleanOption(option: unknown, name: string, fallback: boolean, warnings: string[]): boolean {
  if (typeof option === 'boolean') return option;
  if (option !== undefined) warnings.push(`${name} ${quoteValue(option)} is invalid (must be true or false); using ${fallback}`);
  return fallback;
}

const positiveInteger = (n: number) => Number.isInteger(n) && n >= 1;
const nonNegative = (n: number) => Number.isFinite(n) && n >= 0;

function missingKeys(options: LangfuseSpanProcessorOptions, env: Env): string | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  const publicKey = text(options.publicKey) ?? envText(env, 'LANGFUSE_PUBLIC_KEY');
  const secretKey = text(options.secretKey) ?? envText(env, 'LANGFUSE_SECRET_KEY');
  const missing = [!publicKey && 'public key (LANGFUSE_PUBLIC_KEY)', !secretKey && 'secret key (LANGFUSE_SECRET_KEY)'].filter(Boolean);
  return missing.length === 0 ? undefined : missing.join(' and ');
}

export function resolveProcessorConfig(options: LangfuseSpanProcessorOptions, env: Env = process.env): ResolvedProcessorConfig {
  const warnings: string[] = [];

  let disabled: ResolvedProcessorConfig['disabled'];
  const enabled =
    typeof options.enabled === 'boolean'
      ? options.enabled
      : booleanOption(options.enabled, 'enabled', envBoolean(env, 'LANGFUSE_TRACING_ENABLED', warnings, true) ?? true, warnings);
  if (!enabled) {
    disabled = { level: 'debug', message: 'Langfuse tracing is disabled (enabled: false / LANGFUSE_TRACING_ENABLED=false); code runs without tracing' };
  } else {
    const missing = missingKeys(options, env);
    if (missing !== undefined) {
      disabled = { level: 'error', message: `Langfuse tracing is disabled: no Langfuse ${missing} configured; code runs without tracing` };
    }
  }

  let mode: ProcessorMode = 'batch';
  if (options.mode === 'sync' || options.mode === 'batch') mode = options.mode;
  else if (options.mode !== undefined) warnings.push(`mode ${quoteValue(options.mode)} is invalid (must be 'batch' or 'sync'); using 'batch'`);

  const queue =
    pick(options.maxQueueSize, 'maxQueueSize', positiveInteger, 'an integer >= 1', ['OTEL_BSP_MAX_QUEUE_SIZE'], env, warnings, PROCESSOR_DEFAULTS.maxQueueSize) ??
    PROCESSOR_DEFAULTS.maxQueueSize;
  const defaultBatch = Math.min(PROCESSOR_DEFAULTS.flushAt, queue);
  const flushAt = pick(options.flushAt, 'flushAt', positiveInteger, 'an integer >= 1', ['LANGFUSE_FLUSH_AT', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'], env, warnings, defaultBatch);

  const intervalSeconds = pick(options.flushInterval, 'flushInterval', nonNegative, 'a number of seconds >= 0', ['LANGFUSE_FLUSH_INTERVAL'], env, warnings, PROCESSOR_DEFAULTS.flushIntervalSeconds);
  const bspDelay =
    intervalSeconds === undefined
      ? pick(undefined, '', nonNegative, 'a number of milliseconds >= 0', ['OTEL_BSP_SCHEDULE_DELAY'], env, warnings, PROCESSOR_DEFAULTS.flushIntervalSeconds * 1000)
      : undefined;
  if (intervalSeconds !== undefined && intervalSeconds >= SUSPICIOUS_FLUSH_INTERVAL_SECONDS) {
    warnings.push(`flushInterval is in seconds: ${intervalSeconds} s is over ${Math.floor(intervalSeconds / 60)} minutes; was it meant in milliseconds?`);
  }
  const scheduledDelayMillis = Math.round(
    intervalSeconds !== undefined ? intervalSeconds * 1000 : (bspDelay ?? PROCESSOR_DEFAULTS.flushIntervalSeconds * 1000),
  );

  const exportTimeoutMillis =
    pick(undefined, '', (n) => Number.isFinite(n) && n >= 1, 'a number of milliseconds >= 1', ['OTEL_BSP_EXPORT_TIMEOUT'], env, warnings, PROCESSOR_DEFAULTS.exportTimeoutMillis) ??
    PROCESSOR_DEFAULTS.exportTimeoutMillis;

  const flushTimeoutMs =
    pick(options.flushTimeoutMs, 'flushTimeoutMs', nonNegative, 'a number of milliseconds >= 0', ['LANGFUSE_FLUSH_TIMEOUT_MS'], env, warnings, DEFAULT_FLUSH_TIMEOUT_MS) ??
    DEFAULT_FLUSH_TIMEOUT_MS;

  // A queue smaller than a batch: a chosen batch size grows the queue, the default batch size shrinks to it.
  const maxExportBatchSize = flushAt ?? defaultBatch;
  return {
    disabled,
    mode,
    maxExportBatchSize,
    scheduledDelayMillis,
    maxQueueSize: Math.max(queue, maxExportBatchSize),
    exportTimeoutMillis,
    flushTimeoutMs,
    warnings,
  };
}

export function resolveSetupConfig(options: LangfuseSetupOptions, env: Env = process.env): ResolvedSetupConfig {
  const processor = resolveProcessorConfig(options, env);
  const warnings = processor.warnings;
  const sampleRate = pick(options.sampleRate, 'sampleRate', (n) => Number.isFinite(n) && n >= 0 && n <= 1, 'a number in 0..1', ['LANGFUSE_SAMPLE_RATE'], env, warnings, 1);
  const shutdownTimeoutMs =
    pick(options.shutdownTimeoutMs, 'shutdownTimeoutMs', nonNegative, 'a number >= 0', [], env, warnings, DEFAULT_SHUTDOWN_TIMEOUT_MS) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const registerGlobal = registerGlobalOption(options.registerGlobal, warnings);
  const flushOnExit = booleanOption(options.flushOnExit, 'flushOnExit', true, warnings);
  const baggageKeys = resolveBaggageKeys(options.baggageKeys, warnings);
  if (options.spanProcessors !== undefined) {
    if (!Array.isArray(options.spanProcessors)) warnings.push(`spanProcessors ${quoteValue(options.spanProcessors)} is invalid (must be an array of SpanProcessors); using none`);
    else if (options.spanProcessors.some((p: unknown) => typeof p !== 'object' || p === null)) warnings.push('spanProcessors has entries that are not SpanProcessors; using the others');
  }
  return {
    ...processor,
    sampleRate,
    registerGlobal,
    shutdownTimeoutMs,
    flushOnExit,
    baggageKeys,
  };
}

/** The baggage keys to pass on: non-empty strings; anything else is reported. */
function resolveBaggageKeys(given: unknown, warnings: string[]): string[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) {
    warnings.push(`baggageKeys ${quoteValue(given)} is invalid (must be an array of strings); using none`);
    return [];
  }
  const keys = given.filter((key): key is string => typeof key === 'string' && key !== '');
  if (keys.length < given.length) warnings.push(`baggageKeys has ${given.length - keys.length} entries that are not non-empty strings; using ${JSON.stringify(keys).slice(0, 200)}`);
  return keys;
}
