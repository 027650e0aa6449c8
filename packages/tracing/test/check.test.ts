import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createLangfuseSpanProcessor, setupLangfuse, type LangfuseCheck } from '../src/index.js';
import { useTracingTestBed } from './helpers.js';

const bed = useTracingTestBed({ captureDiag: true });
const find = (checks: LangfuseCheck[], name: string) => checks.find((c) => c.name === name);

describe('handle.check()', () => {
  it('passes for a working setup: the test trace is stored, the provider is the global one', async () => {
    const report = await bed.setup().check({ timeoutMs: 10_000 });
    expect(report.ok, JSON.stringify(report, null, 2)).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(['keys', 'reachable', 'auth', 'transport', 'clock', 'test-trace', 'global-provider']);
    expect(find(report.checks, 'global-provider')).toMatchObject({ status: 'ok', summary: expect.stringContaining('is the global TracerProvider') });
    const traceId = /test trace ([0-9a-f]{32})/.exec(find(report.checks, 'test-trace')!.summary)?.[1];
    expect(bed.receiver().trace(traceId!)?.trace.name).toBe('otel-langfuse doctor');
    expect(JSON.stringify(report)).not.toContain(bed.receiver().secretKey);
  });

  it('warns, with the fix, when another provider holds the global slot', async () => {
    expect(trace.setGlobalTracerProvider(new BasicTracerProvider())).toBe(true);
    const report = await bed.setup().check({ sendTestTrace: false });
    expect(find(report.checks, 'global-provider')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('another TracerProvider (BasicTracerProvider) holds the global slot without a Langfuse span processor'),
      fix: expect.stringContaining('createLangfuseSpanProcessor()'),
    });
    expect(report.ok).toBe(true);
  });

  it('sees a Langfuse span processor on the provider that holds the global slot', async () => {
    const receiver = bed.receiver();
    const processor = createLangfuseSpanProcessor({ publicKey: receiver.publicKey, secretKey: receiver.secretKey, baseUrl: receiver.url });
    try {
      expect(trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] }))).toBe(true);
      const report = await bed.setup().check({ sendTestTrace: false });
      expect(find(report.checks, 'global-provider')).toMatchObject({ status: 'ok', summary: expect.stringContaining('has a Langfuse span processor') });
    } finally {
      await processor.shutdown();
    }
  });

  it('fails on a disabled setup and says why', async () => {
    const handle = bed.track(setupLangfuse({ enabled: false, publicKey: 'pk-lf-x', secretKey: 'sk-lf-y', baseUrl: bed.receiver().url }));
    const report = await handle.check({ sendTestTrace: false });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'tracing', status: 'fail', fix: expect.stringContaining('LANGFUSE_TRACING_ENABLED') });
    expect(find(report.checks, 'global-provider')?.status).toBe('skipped');
  });
});
