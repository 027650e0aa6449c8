import { isAbsolute, resolve } from 'node:path';
import { normalizeEnvironment } from '../mapping/normalize-environment.js';
import { DEFAULT_BASE_URL, DEFAULTS, type LangfuseExporterOptions, type ResolvedExporterConfig } from './exporter-options.js';
import { resolveNetworkConfig } from './network-config.js';
import { quoteValue } from './quote-value.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigResult =
  | { ok: true; config: ResolvedExporterConfig; warnings: string[] }
  | { ok: false; reason: string; warnings: string[] };

type NumericOption = keyof typeof DEFAULTS;

const NUMERIC_ENV: Partial<Record<NumericOption, string>> = {
  requestTimeoutMs: 'LANGFUSE_TIMEOUT_MS',
  exportTimeoutMs: 'LANGFUSE_EXPORT_TIMEOUT_MS',
  maxBatchBytes: 'LANGFUSE_MAX_BATCH_BYTES',
  maxEventBytes: 'LANGFUSE_MAX_EVENT_BYTES',
  maxRetries: 'LANGFUSE_MAX_RETRIES',
  maxBufferedBytes: 'LANGFUSE_MAX_BUFFERED_BYTES',
  deadLetterMaxBytes: 'LANGFUSE_DEAD_LETTER_MAX_BYTES',
  spoolMaxBytes: 'LANGFUSE_SPOOL_MAX_BYTES',
  circuitBreakerThreshold: 'LANGFUSE_CIRCUIT_BREAKER_THRESHOLD',
  circuitBreakerCooldownMs: 'LANGFUSE_CIRCUIT_BREAKER_COOLDOWN_MS',
  maxMediaBytes: 'LANGFUSE_MAX_MEDIA_BYTES',
};

/** Lower bounds that keep the exporter working; `maxRetries` alone may be 0. */
const MINIMUMS: Record<NumericOption, number> = {
  requestTimeoutMs: 1,
  exportTimeoutMs: 1,
  maxBatchBytes: 1024,
  maxEventBytes: 512,
  maxRetries: 0,
  initialRetryDelayMs: 0,
  maxRetryDelayMs: 0,
  maxConcurrentRequests: 1,
  maxPendingExports: 1,
  exportConcurrency: 1,
  maxBufferedBytes: 65_536,
  deadLetterMaxBytes: 1024,
  spoolMaxBytes: 65_536,
  circuitBreakerThreshold: 0,
  circuitBreakerCooldownMs: 10,
  circuitBreakerMaxCooldownMs: 10,
  maxMediaBytes: 1,
};

/** A non-blank string, trimmed; anything else (including a number passed where a string belongs) is absent. */
const nonEmpty = (value: unknown): string | undefined => {
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  return trimmed ? trimmed : undefined;
};

function resolveNumber(
  name: NumericOption,
  option: number | undefined,
  env: Env,
  warnings: string[],
): number {
  const envName = NUMERIC_ENV[name];
  const envValue = envName ? nonEmpty(env[envName]) : undefined;
  const raw: unknown = option ?? (envValue === undefined ? undefined : Number(envValue));
  if (raw === undefined) return DEFAULTS[name];
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < MINIMUMS[name]) {
    const given = option !== undefined ? `${name} ${quoteValue(option)}` : `${envName}=${quoteValue(envValue)}`;
    warnings.push(`${given} is invalid (must be a number >= ${MINIMUMS[name]}); using ${DEFAULTS[name]}`);
    return DEFAULTS[name];
  }
  return Math.floor(raw);
}

function resolveBaseUrl(option: string | undefined, env: Env): { url?: URL; error?: string } {
  const raw =
    nonEmpty(option) ??
    nonEmpty(env['LANGFUSE_BASE_URL']) ??
    nonEmpty(env['LANGFUSE_BASEURL']) ??
    nonEmpty(env['LANGFUSE_HOST']) ??
    DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `baseUrl is not a valid URL (got ${JSON.stringify(raw.slice(0, 200))})` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `baseUrl must be http(s) (got protocol ${JSON.stringify(url.protocol)})` };
  }
  if (url.username || url.password) {
    return { error: 'baseUrl must not contain credentials; use publicKey/secretKey' };
  }
  url.search = '';
  url.hash = '';
  return { url };
}

/** An option or environment value that must be one of `allowed`; anything else warns and gives the default. */
function oneOf<T extends string>(option: unknown, envValue: string | undefined, allowed: readonly T[], fallback: T, name: string, warnings: string[]): T {
  const raw = option ?? nonEmpty(envValue)?.toLowerCase();
  if (raw === undefined) return fallback;
  if ((allowed as readonly unknown[]).includes(raw)) return raw as T;
  warnings.push(`${name} ${quoteValue(raw)} is invalid (must be one of ${allowed.join(', ')}); using ${fallback}`);
  return fallback;
}

/** An absolute path for a file or directory option, or undefined (none configured, or not a usable path: warned). */
function resolvePathOption(
  option: unknown,
  envValue: string | undefined,
  what: { name: string; kind: string; none: string },
  warnings: string[],
): string | undefined {
  if (option !== undefined && typeof option !== 'string') {
    warnings.push(`${what.name} ${quoteValue(option)} is invalid (must be a ${what.kind}); using none (${what.none})`);
    return undefined;
  }
  const raw = nonEmpty(option) ?? nonEmpty(envValue);
  if (raw === undefined) return undefined;
  if (raw.includes('\0')) {
    warnings.push(`${what.name} is invalid (contains a NUL character); using none (${what.none})`);
    return undefined;
  }
  return isAbsolute(raw) ? raw : resolve(raw);
}

/** A string option, else the environment variable; a value of another type is warned about. */
function textOption(option: unknown, name: string, envValue: string | undefined, warnings: string[]): string | undefined {
  const fallback = nonEmpty(envValue);
  if (option !== undefined && typeof option !== 'string') {
    warnings.push(`${name} ${quoteValue(option)} is invalid (must be a string); using ${fallback === undefined ? 'none' : JSON.stringify(fallback)}`);
  }
  return nonEmpty(option) ?? fallback;
}

/**
 * The environment as the server accepts it (lowercase `[a-z0-9_-]`, at most 40, no `langfuse` prefix): a value that
 * had to be changed, or could not be used at all, is warned about with what is sent instead.
 */
function resolveEnvironment(option: unknown, env: Env, warnings: string[]): string | undefined {
  const raw = textOption(option, 'environment', env['LANGFUSE_TRACING_ENVIRONMENT'], warnings);
  if (raw === undefined) return undefined;
  const source = nonEmpty(option) !== undefined ? 'environment' : 'LANGFUSE_TRACING_ENVIRONMENT';
  let problem: string | undefined;
  const normalized = normalizeEnvironment(raw, (_code, message) => (problem = message));
  if (problem === undefined) return normalized;
  warnings.push(
    normalized === undefined
      ? `${source} ${quoteValue(raw)} is invalid (lowercase a-z, 0-9, "_" and "-", at most 40 characters, not starting with "langfuse"); using none (the server's "default")`
      : `${source} ${quoteValue(raw)} is invalid (lowercase a-z, 0-9, "_" and "-", not starting with "langfuse"); using "${normalized}"`,
  );
  return normalized;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.startsWith('127.');
}

/** Turns options + environment into a validated config, or a reason why exporting must stay disabled. Never throws. */
export function resolveExporterConfig(options: LangfuseExporterOptions = {}, env: Env = process.env): ConfigResult {
  const warnings: string[] = [];
  const publicKey = nonEmpty(options.publicKey) ?? nonEmpty(env['LANGFUSE_PUBLIC_KEY']);
  const secretKey = nonEmpty(options.secretKey) ?? nonEmpty(env['LANGFUSE_SECRET_KEY']);
  const missing = [!publicKey && 'public key (LANGFUSE_PUBLIC_KEY)', !secretKey && 'secret key (LANGFUSE_SECRET_KEY)']
    .filter(Boolean)
    .join(' and ');
  if (!publicKey || !secretKey) {
    return { ok: false, reason: `no Langfuse ${missing} configured`, warnings };
  }
  const { url, error } = resolveBaseUrl(options.baseUrl, env);
  if (!url) return { ok: false, reason: error ?? 'invalid baseUrl', warnings };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warnings.push(`baseUrl ${url.origin} is plain http: the keys travel unencrypted; use https`);
  }

  const numbers = {} as Record<NumericOption, number>;
  for (const name of Object.keys(DEFAULTS) as NumericOption[]) {
    numbers[name] = resolveNumber(name, options[name], env, warnings);
  }
  if (numbers.maxEventBytes > numbers.maxBatchBytes - 64) {
    warnings.push('maxEventBytes must be below maxBatchBytes; using maxBatchBytes - 64');
    numbers.maxEventBytes = numbers.maxBatchBytes - 64;
  }

  if (numbers.maxBufferedBytes < numbers.maxEventBytes) {
    warnings.push(`maxBufferedBytes must be at least maxEventBytes (${numbers.maxEventBytes}); using ${numbers.maxEventBytes}`);
    numbers.maxBufferedBytes = numbers.maxEventBytes;
  }
  if (numbers.exportConcurrency > numbers.maxPendingExports) {
    warnings.push(`exportConcurrency must be at most maxPendingExports (${numbers.maxPendingExports}); using ${numbers.maxPendingExports}`);
    numbers.exportConcurrency = numbers.maxPendingExports;
  }
  if (numbers.circuitBreakerMaxCooldownMs < numbers.circuitBreakerCooldownMs) {
    warnings.push(`circuitBreakerMaxCooldownMs must be at least circuitBreakerCooldownMs; using ${numbers.circuitBreakerCooldownMs}`);
    numbers.circuitBreakerMaxCooldownMs = numbers.circuitBreakerCooldownMs;
  }

  const headers: Record<string, string> = {};
  const givenHeaders = typeof options.additionalHeaders === 'object' && options.additionalHeaders !== null ? options.additionalHeaders : {};
  for (const [name, value] of Object.entries(givenHeaders)) {
    if (typeof value === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n]/.test(value)) {
      headers[name.toLowerCase()] = value;
    } else {
      warnings.push(`additionalHeaders ${JSON.stringify(name.slice(0, 80))} is invalid (not a valid HTTP header name and value); not sent`);
    }
  }
  for (const reserved of ['authorization', 'content-type', 'content-length', 'content-encoding']) {
    if (reserved in headers) {
      delete headers[reserved];
      warnings.push(`additionalHeaders ${JSON.stringify(reserved)} is invalid (the exporter sets it); using the exporter's own`);
    }
  }

  const fn = <T>(value: T | undefined, name: string): T | undefined => {
    if (value === undefined || typeof value === 'function') return value;
    warnings.push(`${name} ${quoteValue(value)} is invalid (must be a function); using none`);
    return undefined;
  };
  if (options.additionalHeaders !== undefined && (typeof options.additionalHeaders !== 'object' || options.additionalHeaders === null)) {
    warnings.push(`additionalHeaders ${quoteValue(options.additionalHeaders)} is invalid (must be an object of header names and values); using none`);
  }

  const transport = oneOf(options.transport, env['LANGFUSE_TRANSPORT'], ['ingestion', 'otlp', 'auto'] as const, 'auto', 'transport', warnings);
  const otlpEncoding = oneOf(options.otlpEncoding, env['LANGFUSE_OTLP_ENCODING'], ['protobuf', 'json'] as const, 'json', 'otlpEncoding', warnings);

  return {
    ok: true,
    warnings,
    config: {
      publicKey,
      secretKey,
      // Keeps a path prefix (self-hosted behind a reverse proxy), without the trailing slash.
      baseUrl: url.origin + url.pathname.replace(/\/+$/, ''),
      environment: resolveEnvironment(options.environment, env, warnings),
      release: textOption(options.release, 'release', env['LANGFUSE_RELEASE'], warnings),
      ...numbers,
      shouldExportSpan: fn(options.shouldExportSpan, 'shouldExportSpan'),
      mask: fn(options.mask, 'mask'),
      additionalHeaders: headers,
      transport,
      otlpEncoding,
      onDrop: fn(options.onDrop, 'onDrop'),
      deadLetterPath: resolvePathOption(options.deadLetterPath, env['LANGFUSE_DEAD_LETTER_PATH'], { name: 'deadLetterPath', kind: 'file path', none: 'no dead-letter file' }, warnings),
      spoolDir: resolvePathOption(options.spoolDir, env['LANGFUSE_SPOOL_DIR'], { name: 'spoolDir', kind: 'directory path', none: 'no spool' }, warnings),
      network: resolveNetworkConfig(options, env, warnings),
      mediaUpload: resolveMediaUpload(options.mediaUpload, env['LANGFUSE_MEDIA_UPLOAD_ENABLED'], warnings),
    },
  };
}

/** `mediaUpload`, else `LANGFUSE_MEDIA_UPLOAD_ENABLED` (`true`/`false`, any case); default on. */
function resolveMediaUpload(option: unknown, envValue: string | undefined, warnings: string[]): boolean {
  if (option === true || option === false) return option;
  if (option !== undefined) {
    warnings.push(`mediaUpload ${quoteValue(option)} is invalid (must be true or false); using true`);
    return true;
  }
  const text = nonEmpty(envValue)?.toLowerCase();
  if (text === undefined || text === 'true') return true;
  if (text === 'false') return false;
  warnings.push(`LANGFUSE_MEDIA_UPLOAD_ENABLED=${quoteValue(envValue)} is invalid (must be true or false); using true`);
  return true;
}
