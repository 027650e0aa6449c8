import { describe, expect, it, vi } from 'vitest';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { langfuse, observe, setupLangfuse } from '../src/index.js';
import { tick, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup, track } = useTracingTestBed({ captureDiag: true });

/** Exercises every facade entry point; returns what the user code produced. */
async function runUserCode(): Promise<unknown[]> {
  const results: unknown[] = [];
  results.push(
    langfuse.trace({ name: 't', userId: 'u', input: { big: 'x'.repeat(1000) } }, (t) => {
      t.update({ output: 'o' });
      langfuse.updateTrace({ sessionId: 's' });
      t.event({ name: 'e' });
      return t.span({ name: 's' }, (s) => s.generation({ name: 'g', model: 'm' }, (g) => (g.update({ output: 'x' }), 'sync value')));
    }),
  );
  results.push(await langfuse.trace({ name: 'async' }, async () => (await tick(), 'async value')));
  const handleOutside = langfuse.startTrace({ name: 'manual' });
  handleOutside.startSpan({ name: 'child' }).end();
  handleOutside.end();
  results.push(handleOutside.isRecording, handleOutside.id);
  const double = observe((n: number) => n * 2);
  results.push(double(21));
  const failure = new Error('still thrown');
  results.push(await langfuse.span({ name: 'x' }, async () => Promise.reject(failure)).catch((e: unknown) => e === failure));
  return results;
}

const EXPECTED = ['sync value', 'async value', false, '', 42, true];

describe('tracing off', () => {
  it('enabled: false builds nothing, sends nothing, and runs user code unchanged', async () => {
    const handle = setup({ enabled: false });
    expect(handle.enabled).toBe(false);
    expect(handle.provider).toBeUndefined();
    expect(await runUserCode()).toEqual(EXPECTED);
    await handle.forceFlush();
    await handle.shutdown();
    expect(receiver().requests()).toHaveLength(0);
    expect(handle.stats().spansReceived).toBe(0);
    expect(logs().lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  });

  it('LANGFUSE_TRACING_ENABLED=false does the same', async () => {
    vi.stubEnv('LANGFUSE_TRACING_ENABLED', 'false');
    const handle = setup();
    expect(handle.enabled).toBe(false);
    expect(await runUserCode()).toEqual(EXPECTED);
    expect(receiver().requests()).toHaveLength(0);
  });

  it('no keys: one diagnostic naming what is missing, then silence', async () => {
    vi.stubEnv('LANGFUSE_PUBLIC_KEY', '');
    vi.stubEnv('LANGFUSE_SECRET_KEY', '');
    const handle = track(setupLangfuse({ baseUrl: receiver().url }));
    const again = setupLangfuse({ baseUrl: receiver().url });
    expect(handle.enabled).toBe(false);
    expect(await runUserCode()).toEqual(EXPECTED);
    const problems = logs().lines.filter((l) => l.level === 'error' || l.level === 'warn');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/LANGFUSE_PUBLIC_KEY.*LANGFUSE_SECRET_KEY/);
    expect(receiver().requests()).toHaveLength(0);
    await again.shutdown();
  });

  it('no setup at all and no provider: user code runs unchanged, with one diagnostic', async () => {
    expect(await runUserCode()).toEqual(EXPECTED);
    expect(await runUserCode()).toEqual(EXPECTED);
    const problems = logs().lines.filter((l) => l.level === 'error' || l.level === 'warn');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/not set up/);
  });

  it('disabled tracing creates no spans in a foreign global provider either', async () => {
    const exporter = new InMemorySpanExporter();
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    const handle = setup({ enabled: false });
    expect(await runUserCode()).toEqual(EXPECTED);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    // Once shut down, the facade falls back to the global API (here: the foreign provider).
    await handle.shutdown();
    langfuse.trace({ name: 'after-shutdown' }, () => undefined);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['after-shutdown']);
    expect(trace.getTracerProvider()).toBeDefined();
  });
});
