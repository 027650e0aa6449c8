import { describe, expect, it } from 'vitest';
import { resolveExporterConfig } from '../src/config/resolve-exporter-config.js';

const keys = { publicKey: 'pk-lf-1', secretKey: 'sk-lf-secret' };

describe('resolveExporterConfig', () => {
  it('reads keys, base URL, environment and release from the environment', () => {
    const result = resolveExporterConfig({}, {
      LANGFUSE_PUBLIC_KEY: 'pk-env',
      LANGFUSE_SECRET_KEY: 'sk-env',
      LANGFUSE_BASE_URL: 'http://127.0.0.1:3000/',
      LANGFUSE_TRACING_ENVIRONMENT: 'staging',
      LANGFUSE_RELEASE: 'v1',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({ publicKey: 'pk-env', secretKey: 'sk-env', environment: 'staging', release: 'v1' });
    expect(result.config.baseUrl).toBe('http://127.0.0.1:3000');
  });

  it('falls back from LANGFUSE_BASE_URL to LANGFUSE_BASEURL to LANGFUSE_HOST, then Langfuse Cloud', () => {
    const url = (env: Record<string, string>) => {
      const r = resolveExporterConfig(keys, env);
      return r.ok ? r.config.baseUrl : r.reason;
    };
    expect(url({ LANGFUSE_BASEURL: 'http://a.test', LANGFUSE_HOST: 'http://b.test' })).toBe('http://a.test');
    expect(url({ LANGFUSE_HOST: 'http://b.test' })).toBe('http://b.test');
    expect(url({})).toBe('https://cloud.langfuse.com');
  });

  it('lets options win over the environment', () => {
    const r = resolveExporterConfig({ ...keys, baseUrl: 'http://127.0.0.1:1' }, { LANGFUSE_PUBLIC_KEY: 'pk-env', LANGFUSE_BASE_URL: 'http://x.test' });
    expect(r.ok && r.config.publicKey).toBe('pk-lf-1');
    expect(r.ok && r.config.baseUrl).toBe('http://127.0.0.1:1');
  });

  it('disables exporting when a key is missing, naming which one', () => {
    const r = resolveExporterConfig({ publicKey: 'pk' }, {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/secret key \(LANGFUSE_SECRET_KEY\)/);
    expect(!r.ok && r.reason).not.toMatch(/public key/);
  });

  it('disables exporting for an invalid or non-http URL, without echoing credentials', () => {
    expect(resolveExporterConfig({ ...keys, baseUrl: 'not a url' }, {}).ok).toBe(false);
    expect(resolveExporterConfig({ ...keys, baseUrl: 'ftp://host' }, {}).ok).toBe(false);
    const withCreds = resolveExporterConfig({ ...keys, baseUrl: 'https://user:pw@host' }, {});
    expect(withCreds.ok).toBe(false);
    expect(JSON.stringify(withCreds)).not.toContain('pw@');
  });

  it('keeps a path prefix of a self-hosted URL and drops the trailing slash', () => {
    const r = resolveExporterConfig({ ...keys, baseUrl: 'https://example.test/langfuse/' }, {});
    expect(r.ok && r.config.baseUrl).toBe('https://example.test/langfuse');
  });

  it('replaces invalid numbers by defaults with a warning', () => {
    const r = resolveExporterConfig({ ...keys, maxBatchBytes: -5, requestTimeoutMs: Number.NaN }, { LANGFUSE_MAX_RETRIES: 'lots' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.maxBatchBytes).toBe(3_500_000);
    expect(r.config.requestTimeoutMs).toBe(10_000);
    expect(r.config.maxRetries).toBe(5);
    expect(r.warnings).toHaveLength(3);
  });

  it('reads numeric limits from the environment', () => {
    const r = resolveExporterConfig(keys, { LANGFUSE_MAX_BATCH_BYTES: '100000', LANGFUSE_MAX_EVENT_BYTES: '50000', LANGFUSE_MAX_RETRIES: '0' });
    expect(r.ok && [r.config.maxBatchBytes, r.config.maxEventBytes, r.config.maxRetries]).toEqual([100_000, 50_000, 0]);
  });

  it('keeps maxEventBytes below maxBatchBytes', () => {
    const r = resolveExporterConfig({ ...keys, maxBatchBytes: 10_000, maxEventBytes: 20_000 }, {});
    expect(r.ok && r.config.maxEventBytes).toBeLessThan(10_000);
  });

  it('warns about Basic auth over plain http to a non-loopback host, not for loopback', () => {
    expect(resolveExporterConfig({ ...keys, baseUrl: 'http://langfuse.internal' }, {}).warnings.join()).toMatch(/plain http/);
    expect(resolveExporterConfig({ ...keys, baseUrl: 'http://127.0.0.1:3000' }, {}).warnings).toEqual([]);
    expect(resolveExporterConfig({ ...keys, baseUrl: 'http://[::1]:3000' }, {}).warnings).toEqual([]);
  });

  it('ignores malformed or reserved additional headers', () => {
    const r = resolveExporterConfig({ ...keys, additionalHeaders: { 'x-ok': 'v', 'bad header': 'v', 'x-inject': 'a\r\nb', Authorization: 'x' } }, {});
    expect(r.ok && r.config.additionalHeaders).toEqual({ 'x-ok': 'v' });
    expect(r.warnings).toHaveLength(3);
  });

  it('treats options of the wrong type as absent instead of throwing', () => {
    const r = resolveExporterConfig({ publicKey: 123 as never, secretKey: 'sk', environment: 5 as never, baseUrl: {} as never }, {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/public key/);
    const withEnvFallback = resolveExporterConfig({ ...keys, environment: 5 as never }, { LANGFUSE_TRACING_ENVIRONMENT: 'prod' });
    expect(withEnvFallback.ok && withEnvFallback.config.environment).toBe('prod');
  });

  it('ignores a mask or filter that is not a function', () => {
    const r = resolveExporterConfig({ ...keys, mask: 'nope' as never, shouldExportSpan: 1 as never }, {});
    expect(r.ok && r.config.mask).toBeUndefined();
    expect(r.ok && r.config.shouldExportSpan).toBeUndefined();
    expect(r.warnings).toHaveLength(2);
  });
});

describe('reliability options', () => {
  it('defaults: 64 MiB buffered, no dead-letter file (50 MiB cap), circuit breaker 5 failures / 10 s .. 300 s', () => {
    const r = resolveExporterConfig(keys, {});
    expect(r.ok && r.config).toMatchObject({
      maxBufferedBytes: 64 * 1024 * 1024,
      deadLetterPath: undefined,
      deadLetterMaxBytes: 50 * 1024 * 1024,
      circuitBreakerThreshold: 5,
      circuitBreakerCooldownMs: 10_000,
      circuitBreakerMaxCooldownMs: 300_000,
      onDrop: undefined,
    });
  });

  it('reads the environment; a relative dead-letter path becomes absolute', () => {
    const r = resolveExporterConfig(keys, {
      LANGFUSE_MAX_BUFFERED_BYTES: '2000000',
      LANGFUSE_DEAD_LETTER_PATH: 'var/dead.jsonl',
      LANGFUSE_DEAD_LETTER_MAX_BYTES: '4096',
      LANGFUSE_CIRCUIT_BREAKER_THRESHOLD: '0',
      LANGFUSE_CIRCUIT_BREAKER_COOLDOWN_MS: '250',
    });
    expect(r.ok && r.config).toMatchObject({
      maxBufferedBytes: 2_000_000,
      deadLetterMaxBytes: 4096,
      circuitBreakerThreshold: 0,
      circuitBreakerCooldownMs: 250,
    });
    expect(r.ok && r.config.deadLetterPath).toBe(`${process.cwd()}/var/dead.jsonl`);
  });

  it('warns about values that cannot work and keeps safe ones', () => {
    const r = resolveExporterConfig(
      { ...keys, maxBufferedBytes: 100_000, maxEventBytes: 500_000, circuitBreakerCooldownMs: 5_000, circuitBreakerMaxCooldownMs: 1_000, onDrop: 'log it' as never, deadLetterPath: 42 as never },
      {},
    );
    expect(r.ok && r.config).toMatchObject({ maxBufferedBytes: 500_000, circuitBreakerMaxCooldownMs: 5_000, onDrop: undefined, deadLetterPath: undefined });
    expect(r.warnings).toEqual([
      'maxBufferedBytes must be at least maxEventBytes (500000); using 500000',
      'circuitBreakerMaxCooldownMs must be at least circuitBreakerCooldownMs; using 5000',
      'onDrop "log it" is invalid (must be a function); using none',
      'deadLetterPath 42 is invalid (must be a file path); using none (no dead-letter file)',
    ]);
  });
});
