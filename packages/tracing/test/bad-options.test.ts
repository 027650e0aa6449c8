import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { langfuse, setupLangfuse, type LangfuseSetupOptions } from '../src/index.js';
import { observations, useTracingTestBed } from './helpers.js';

const { receiver, setup, track, logs } = useTracingTestBed({ captureDiag: true });

// One row per option: an invalid value → the warning (naming the value used instead). Never a throw, and tracing keeps working.
const WARNS: readonly [keyof LangfuseSetupOptions, unknown, RegExp][] = [
  ['environment', 'Production!', /environment "Production!" is invalid \(.*\); using none \(the server's "default"\)/],
  ['release', 42, /release 42 is invalid \(must be a string\); using none/],
  ['requestTimeoutMs', -1, /requestTimeoutMs -1 is invalid \(must be a number >= 1\); using 10000/],
  ['exportTimeoutMs', 0, /exportTimeoutMs 0 is invalid \(must be a number >= 1\); using 25000/],
  ['maxBatchBytes', 'big', /maxBatchBytes "big" is invalid \(must be a number >= 1024\); using 3500000/],
  ['maxEventBytes', 10, /maxEventBytes 10 is invalid \(must be a number >= 512\); using 1000000/],
  ['maxRetries', -1, /maxRetries -1 is invalid \(must be a number >= 0\); using 5/],
  ['initialRetryDelayMs', Number.NaN, /initialRetryDelayMs NaN is invalid \(must be a number >= 0\); using 500/],
  ['maxRetryDelayMs', -5, /maxRetryDelayMs -5 is invalid \(must be a number >= 0\); using 10000/],
  ['maxConcurrentRequests', 0, /maxConcurrentRequests 0 is invalid \(must be a number >= 1\); using 4/],
  ['maxPendingExports', 0, /maxPendingExports 0 is invalid \(must be a number >= 1\); using 64/],
  ['exportConcurrency', 0, /exportConcurrency 0 is invalid \(must be a number >= 1\); using 1/],
  ['shouldExportSpan', 'yes', /shouldExportSpan "yes" is invalid \(must be a function\); using none/],
  ['mask', 'redact', /mask "redact" is invalid \(must be a function\); using none/],
  ['additionalHeaders', { 'bad header': 'x' }, /additionalHeaders "bad header" is invalid \(not a valid HTTP header name and value\); not sent/],
  ['transport', 'grpc', /transport "grpc" is invalid \(must be one of ingestion, otlp, auto\); using auto/],
  ['otlpEncoding', 'xml', /otlpEncoding "xml" is invalid \(must be one of protobuf, json\); using json/],
  ['maxBufferedBytes', 1, /maxBufferedBytes 1 is invalid \(must be a number >= 65536\); using 67108864/],
  ['onDrop', 'log', /onDrop "log" is invalid \(must be a function\); using none/],
  ['deadLetterPath', 42, /deadLetterPath 42 is invalid \(must be a file path\); using none/],
  ['deadLetterMaxBytes', -1, /deadLetterMaxBytes -1 is invalid \(must be a number >= 1024\); using 52428800/],
  ['spoolDir', 42, /spoolDir 42 is invalid \(must be a directory path\); using none \(no spool\)/],
  ['spoolMaxBytes', 1, /spoolMaxBytes 1 is invalid \(must be a number >= 65536\); using 268435456/],
  ['circuitBreakerThreshold', -1, /circuitBreakerThreshold -1 is invalid \(must be a number >= 0\); using 5/],
  ['circuitBreakerCooldownMs', 1, /circuitBreakerCooldownMs 1 is invalid \(must be a number >= 10\); using 10000/],
  ['circuitBreakerMaxCooldownMs', 1, /circuitBreakerMaxCooldownMs 1 is invalid \(must be a number >= 10\); using 300000/],
  ['mode', 'eager', /mode "eager" is invalid \(must be 'batch' or 'sync'\); using 'batch'/],
  ['exportPolicy', 'some', /exportPolicy "some" is invalid \(must be 'llm', 'all' or a function\); using 'llm'/],
  ['flushAt', -1, /flushAt -1 is invalid \(must be an integer >= 1\); using 512/],
  ['flushInterval', -1, /flushInterval -1 is invalid \(must be a number of seconds >= 0\); using 5/],
  ['maxQueueSize', 0, /maxQueueSize 0 is invalid \(must be an integer >= 1\); using 2048/],
  ['enabled', 'yes', /enabled "yes" is invalid \(must be true or false\); using true/],
  ['sampleRate', 2, /sampleRate 2 is invalid \(must be a number in 0\.\.1\); using 1/],
  ['registerGlobal', 'yes', /registerGlobal "yes" is invalid \(must be 'auto', true or false\); using 'auto'/],
  ['serviceName', 42, /serviceName 42 is invalid \(must be a non-empty string\); using "/],
  ['resource', 'svc', /resource "svc" is invalid \(must be an OTel Resource or an object of attributes\); using the default resource/],
  ['spanProcessors', 'console', /spanProcessors "console" is invalid \(must be an array of SpanProcessors\); using none/],
  ['shutdownTimeoutMs', -1, /shutdownTimeoutMs -1 is invalid \(must be a number >= 0\); using 5000/],
  ['flushTimeoutMs', 'soon', /flushTimeoutMs "soon" is invalid \(must be a number of milliseconds >= 0\); using 2500/],
  ['flushOnExit', 'no', /flushOnExit "no" is invalid \(must be true or false\); using true/],
  ['baggageKeys', 'tenant', /baggageKeys "tenant" is invalid \(must be an array of strings\); using none/],
];

// Options without which nothing can be exported: tracing is off, and the handle says why.
const DISABLES: readonly [keyof LangfuseSetupOptions, unknown, RegExp][] = [
  ['publicKey', 42, /no Langfuse public key \(LANGFUSE_PUBLIC_KEY\) configured/],
  ['secretKey', ['sk'], /no Langfuse secret key \(LANGFUSE_SECRET_KEY\) configured/],
  ['baseUrl', 'not a url', /baseUrl is not a valid URL \(got "not a url"\)/],
];

describe('a bad value for each option', () => {
  it('the table covers every option', () => {
    const covered = new Set([...WARNS, ...DISABLES].map(([name]) => name));
    // Every key of LangfuseSetupOptions, listed by hand: a new option must get a row here.
    const all: (keyof LangfuseSetupOptions)[] = [
      'publicKey', 'secretKey', 'baseUrl', 'environment', 'release', 'requestTimeoutMs', 'exportTimeoutMs', 'maxBatchBytes',
      'maxEventBytes', 'maxRetries', 'initialRetryDelayMs', 'maxRetryDelayMs', 'maxConcurrentRequests', 'maxPendingExports',
      'exportConcurrency', 'shouldExportSpan', 'mask', 'additionalHeaders', 'transport', 'otlpEncoding', 'maxBufferedBytes',
      'onDrop', 'deadLetterPath', 'deadLetterMaxBytes', 'spoolDir', 'spoolMaxBytes', 'circuitBreakerThreshold', 'circuitBreakerCooldownMs',
      'circuitBreakerMaxCooldownMs', 'mode', 'exportPolicy', 'flushAt', 'flushInterval', 'flushTimeoutMs', 'maxQueueSize', 'enabled',
      'sampleRate', 'registerGlobal', 'serviceName', 'resource', 'spanProcessors', 'shutdownTimeoutMs', 'flushOnExit', 'baggageKeys',
    ];
    expect([...covered].sort()).toEqual([...all].sort());
  });

  it.each(WARNS)('%s: %j → a warning naming the value used; tracing still works', async (name, value, warning) => {
    const tracing = setup({ [name]: value } as LangfuseSetupOptions);
    expect(await langfuse.trace({ name: `bad-${name}` }, async () => 'ran')).toBe('ran');
    await tracing.forceFlush();
    const warnings = logs().lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(warning)]));
    expect(tracing.enabled).toBe(true);
    expect(tracing.disabledReason).toBeUndefined();
  });

  it.each(DISABLES)('%s: %j → tracing off, enabled false, disabledReason says why', async (name, value, reason) => {
    const tracing = setup({ [name]: value } as LangfuseSetupOptions);
    expect(await langfuse.trace({ name: `bad-${name}` }, async () => 'ran')).toBe('ran');
    expect(tracing.enabled).toBe(false);
    expect(tracing.disabledReason).toMatch(reason);
    expect(tracing.provider).toBeUndefined();
    // Said at error level, once per cause per process (the two missing-key rows share one).
    for (const line of logs().lines.filter((l) => l.level === 'error')) expect(line.message).toMatch(reason);
    expect(logs().text()).not.toContain(receiver().secretKey);
  });
});

describe('resource', () => {
  it('plain attributes (as the docs show) are merged into the resource', async () => {
    const tracing = setup({ resource: { 'service.version': '1.2.3', 'deployment.environment.name': 'prod' } });
    await langfuse.trace({ name: 'plain-resource' }, async () => undefined);
    await tracing.forceFlush();
    expect(tracing.enabled).toBe(true);
    expect(observations(receiver().events()).map((e) => e.body['version'])).toEqual(['1.2.3']);
  });

  it('an OTel Resource too', async () => {
    const tracing = setup({ resource: resourceFromAttributes({ 'service.version': '2.0.0' }) });
    await langfuse.trace({ name: 'otel-resource' }, async () => undefined);
    await tracing.forceFlush();
    expect(observations(receiver().events()).map((e) => e.body['version'])).toEqual(['2.0.0']);
  });

  it('an attribute value that is not an attribute is left out with a warning; the others stay', async () => {
    const tracing = setup({ resource: { 'service.version': '3.0.0', nested: { a: 1 } } as never });
    await langfuse.trace({ name: 'mixed-resource' }, async () => undefined);
    await tracing.forceFlush();
    expect(observations(receiver().events()).map((e) => e.body['version'])).toEqual(['3.0.0']);
    expect(logs().lines.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/resource attribute "nested" an object is invalid .*; left out/)]));
  });
});

describe('enabled and disabledReason', () => {
  it('an exporter that cannot export makes the handle disabled, without building a provider', () => {
    const tracing = track(setupLangfuse({ publicKey: 'pk-lf-x', secretKey: 'sk-lf-very-secret', baseUrl: 'ftp://example.test' }));
    expect(tracing.enabled).toBe(false);
    expect(tracing.disabledReason).toBe('baseUrl must be http(s) (got protocol "ftp:")');
  });

  it('enabled: false says so', () => {
    const tracing = setup({ enabled: false });
    expect(tracing.enabled).toBe(false);
    expect(tracing.disabledReason).toMatch(/enabled: false/);
  });
});
