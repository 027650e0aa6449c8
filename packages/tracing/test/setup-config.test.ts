import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveSetupConfig } from '../src/setup/resolve-setup-config.js';
import { langfuse, TRACING_VERSION } from '../src/index.js';
import { observations, useTracingTestBed } from './helpers.js';

const KEYS = { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' };

describe('resolveSetupConfig', () => {
  it('defaults: batch, 512 spans, 5 s, queue 2048, everything kept', () => {
    expect(resolveSetupConfig({}, KEYS)).toMatchObject({
      disabled: undefined,
      mode: 'batch',
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      maxQueueSize: 2048,
      exportTimeoutMillis: 30_000,
      flushTimeoutMs: 2500,
      sampleRate: undefined,
      registerGlobal: 'auto',
      shutdownTimeoutMs: 5000,
      flushOnExit: true,
      warnings: [],
    });
  });

  it('flushInterval is in seconds (option and LANGFUSE_FLUSH_INTERVAL), OTEL_BSP_SCHEDULE_DELAY in milliseconds', () => {
    expect(resolveSetupConfig({ flushInterval: 2.5 }, KEYS).scheduledDelayMillis).toBe(2500);
    expect(resolveSetupConfig({}, { ...KEYS, LANGFUSE_FLUSH_INTERVAL: '3' }).scheduledDelayMillis).toBe(3000);
    expect(resolveSetupConfig({}, { ...KEYS, OTEL_BSP_SCHEDULE_DELAY: '750' }).scheduledDelayMillis).toBe(750);
    expect(resolveSetupConfig({ flushInterval: 1 }, { ...KEYS, LANGFUSE_FLUSH_INTERVAL: '3', OTEL_BSP_SCHEDULE_DELAY: '750' }).scheduledDelayMillis).toBe(1000);
    expect(resolveSetupConfig({}, { ...KEYS, LANGFUSE_FLUSH_INTERVAL: '3', OTEL_BSP_SCHEDULE_DELAY: '750' }).scheduledDelayMillis).toBe(3000);
  });

  it('warns when a flushInterval looks like milliseconds', () => {
    const config = resolveSetupConfig({ flushInterval: 5000 }, KEYS);
    expect(config.scheduledDelayMillis).toBe(5_000_000);
    expect(config.warnings.join('\n')).toMatch(/seconds.*milliseconds/);
  });

  it('flushAt, then LANGFUSE_FLUSH_AT, then OTEL_BSP_MAX_EXPORT_BATCH_SIZE; the queue holds at least one batch', () => {
    expect(resolveSetupConfig({ flushAt: 10 }, { ...KEYS, LANGFUSE_FLUSH_AT: '20' }).maxExportBatchSize).toBe(10);
    expect(resolveSetupConfig({}, { ...KEYS, LANGFUSE_FLUSH_AT: '20', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '30' }).maxExportBatchSize).toBe(20);
    expect(resolveSetupConfig({}, { ...KEYS, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '30' }).maxExportBatchSize).toBe(30);
    expect(resolveSetupConfig({}, { ...KEYS, OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_EXPORT_TIMEOUT: '9000' })).toMatchObject({
      maxQueueSize: 100,
      maxExportBatchSize: 100,
      exportTimeoutMillis: 9000,
    });
    expect(resolveSetupConfig({ flushAt: 4000 }, KEYS).maxQueueSize).toBe(4000);
  });

  it('reports invalid values and falls back', () => {
    const config = resolveSetupConfig(
      { flushAt: 0, flushInterval: -1, sampleRate: 2, mode: 'eager' as never, enabled: 'yes' as never },
      { ...KEYS, LANGFUSE_FLUSH_AT: 'lots', LANGFUSE_SAMPLE_RATE: '0.25' },
    );
    expect(config).toMatchObject({ maxExportBatchSize: 512, scheduledDelayMillis: 5000, sampleRate: 0.25, mode: 'batch', disabled: undefined });
    expect(config.warnings).toHaveLength(6);
    for (const name of ['flushAt', 'flushInterval', 'sampleRate', 'mode', 'enabled', 'LANGFUSE_FLUSH_AT']) {
      expect(config.warnings.some((w) => w.includes(name))).toBe(true);
    }
  });

  it('tracing off: the option, LANGFUSE_TRACING_ENABLED, or missing keys', () => {
    expect(resolveSetupConfig({ enabled: false }, KEYS).disabled?.level).toBe('debug');
    expect(resolveSetupConfig({}, { ...KEYS, LANGFUSE_TRACING_ENABLED: 'FALSE' }).disabled?.level).toBe('debug');
    expect(resolveSetupConfig({ enabled: true }, { ...KEYS, LANGFUSE_TRACING_ENABLED: 'false' }).disabled).toBeUndefined();
    expect(resolveSetupConfig({}, {}).disabled).toMatchObject({ level: 'error', message: expect.stringMatching(/LANGFUSE_PUBLIC_KEY.*LANGFUSE_SECRET_KEY/) });
    expect(resolveSetupConfig({ publicKey: 'pk' }, { LANGFUSE_SECRET_KEY: ' ' }).disabled?.message).toMatch(/secret key/);
  });

  it('the version constant matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(TRACING_VERSION).toBe(pkg.version);
  });
});

describe('processor settings reach the batch processor', () => {
  const { receiver, setup } = useTracingTestBed();

  it('flushAt: a full batch is sent without a flush', async () => {
    setup({ flushAt: 3, flushInterval: 3600 });
    for (let i = 0; i < 3; i++) langfuse.span({ name: `s-${i}` }, () => undefined);
    await receiver().waitForEvents((events) => observations(events).length === 3);
  });

  it('flushInterval: a lone span is sent on schedule without a flush', async () => {
    setup({ flushInterval: 0.05 });
    langfuse.span({ name: 'lone' }, () => undefined);
    await receiver().waitForEvents((events) => observations(events).length === 1);
  });
});
