import { envBoolean, envNumber, envText, type Env } from './env.js';
import type { LangfuseSetupOptions, LangfuseSpanProcessorOptions, ProcessorMode } from './setup-options.js';

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
  warnings: string[];
}

export interface ResolvedSetupConfig extends ResolvedProcessorConfig {
  sampleRate: number | undefined;
  registerGlobal: boolean;
  shutdownTimeoutMs: number;
  flushOnExit: boolean;
  baggageKeys: string[];
}

/** An option if given and valid, else the first valid environment value, else undefined. Invalid ones are reported. */
function pick(
  option: unknown,
  optionName: string,
  valid: (n: number) => boolean,
  requirement: string,
  sources: readonly (readonly [number | undefined, string])[],
  warnings: string[],
): number | undefined {
  if (option !== undefined) {
    if (typeof option === 'number' && valid(option)) return option;
    warnings.push(`option ${optionName} must be ${requirement}; ignored`);
  }
  for (const [value, name] of sources) {
    if (value === undefined) continue;
    if (valid(value)) return value;
    warnings.push(`${name} must be ${requirement}; ignored`);
  }
  return undefined;
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
  const num = (name: string) => envNumber(env, name, warnings);

  let disabled: ResolvedProcessorConfig['disabled'];
  const enabledOption = typeof options.enabled === 'boolean' ? options.enabled : undefined;
  if (options.enabled !== undefined && enabledOption === undefined) warnings.push('option enabled must be a boolean; ignored');
  const enabled = enabledOption ?? envBoolean(env, 'LANGFUSE_TRACING_ENABLED', warnings) ?? true;
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
  else if (options.mode !== undefined) warnings.push(`option mode must be 'batch' or 'sync'; using 'batch'`);

  const flushAt = pick(options.flushAt, 'flushAt', positiveInteger, 'an integer >= 1', [[num('LANGFUSE_FLUSH_AT'), 'LANGFUSE_FLUSH_AT'], [num('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'), 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE']], warnings);

  const intervalSeconds = pick(options.flushInterval, 'flushInterval', nonNegative, 'a number of seconds >= 0', [[num('LANGFUSE_FLUSH_INTERVAL'), 'LANGFUSE_FLUSH_INTERVAL']], warnings);
  const bspDelay = intervalSeconds === undefined ? pick(undefined, '', nonNegative, 'a number of milliseconds >= 0', [[num('OTEL_BSP_SCHEDULE_DELAY'), 'OTEL_BSP_SCHEDULE_DELAY']], warnings) : undefined;
  if (intervalSeconds !== undefined && intervalSeconds >= SUSPICIOUS_FLUSH_INTERVAL_SECONDS) {
    warnings.push(`flushInterval is in seconds: ${intervalSeconds} s is over ${Math.floor(intervalSeconds / 60)} minutes; was it meant in milliseconds?`);
  }
  const scheduledDelayMillis = Math.round(
    intervalSeconds !== undefined ? intervalSeconds * 1000 : (bspDelay ?? PROCESSOR_DEFAULTS.flushIntervalSeconds * 1000),
  );

  const queue =
    pick(options.maxQueueSize, 'maxQueueSize', positiveInteger, 'an integer >= 1', [[num('OTEL_BSP_MAX_QUEUE_SIZE'), 'OTEL_BSP_MAX_QUEUE_SIZE']], warnings) ??
    PROCESSOR_DEFAULTS.maxQueueSize;
  const exportTimeoutMillis =
    pick(undefined, '', (n) => Number.isFinite(n) && n >= 1, 'a number of milliseconds >= 1', [[num('OTEL_BSP_EXPORT_TIMEOUT'), 'OTEL_BSP_EXPORT_TIMEOUT']], warnings) ??
    PROCESSOR_DEFAULTS.exportTimeoutMillis;

  // A queue smaller than a batch: a chosen batch size grows the queue, the default batch size shrinks to it.
  const maxExportBatchSize = flushAt ?? Math.min(PROCESSOR_DEFAULTS.flushAt, queue);
  return {
    disabled,
    mode,
    maxExportBatchSize,
    scheduledDelayMillis,
    maxQueueSize: Math.max(queue, maxExportBatchSize),
    exportTimeoutMillis,
    warnings,
  };
}

export function resolveSetupConfig(options: LangfuseSetupOptions, env: Env = process.env): ResolvedSetupConfig {
  const processor = resolveProcessorConfig(options, env);
  const warnings = processor.warnings;
  const sampleRate = pick(
    options.sampleRate,
    'sampleRate',
    (n) => Number.isFinite(n) && n >= 0 && n <= 1,
    'a number in 0..1',
    [[envNumber(env, 'LANGFUSE_SAMPLE_RATE', warnings), 'LANGFUSE_SAMPLE_RATE']],
    warnings,
  );
  const shutdownTimeoutMs = pick(options.shutdownTimeoutMs, 'shutdownTimeoutMs', nonNegative, 'a number >= 0', [], warnings) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const baggageKeys = Array.isArray(options.baggageKeys) ? options.baggageKeys.filter((key): key is string => typeof key === 'string' && key !== '') : [];
  return {
    ...processor,
    sampleRate,
    registerGlobal: options.registerGlobal === true,
    shutdownTimeoutMs,
    flushOnExit: options.flushOnExit !== false,
    baggageKeys,
  };
}
