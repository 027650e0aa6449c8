import { describe, expect, it, vi } from 'vitest';
import { injectTraceContext, langfuse, withTraceContext, type ProcessorMode } from '../src/index.js';
import { observations, tick, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();

/** One trace of four observations, plus (in a continued context, like a downstream service) two more. */
async function oneTrace(i: number): Promise<{ traceId: string; headers: Record<string, string> }> {
  return langfuse.trace({ name: `t-${i}` }, async (t) => {
    const headers = await t.span({ name: `s-${i}` }, async (span) => {
      await tick(i % 3);
      span.event({ name: `e-${i}` });
      return span.generation({ name: `g-${i}`, model: 'm' }, () => injectTraceContext());
    });
    withTraceContext(headers, () => langfuse.trace({ name: `downstream-${i}` }, () => langfuse.span({ name: `d-${i}` }, () => undefined)));
    return { traceId: t.id, headers };
  });
}

describe.each<ProcessorMode>(['batch', 'sync'])('sampling (%s)', (mode) => {
  it('sampleRate 0.5 keeps or drops each trace whole, also across a propagated hop', async () => {
    const handle = setup({ mode, sampleRate: 0.5 });
    const traces = await Promise.all(Array.from({ length: 120 }, (_, i) => oneTrace(i)));
    await handle.forceFlush();

    const events = receiver().events();
    let kept = 0;
    for (const { traceId, headers } of traces) {
      const count = observations(events, traceId).length;
      const traceCreates = events.filter((e) => e.type === 'trace-create' && e.body.id === traceId).length;
      const sampled = headers['traceparent']?.endsWith('-01');
      if (count === 0) {
        expect(traceCreates).toBe(0);
        expect(sampled).toBe(false);
      } else {
        expect(count).toBe(6);
        expect(sampled).toBe(true);
        kept++;
      }
    }
    // 120 fair coin flips: all-heads or all-tails has probability 2^-119.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(traces.length);
  });
});

describe('sample rate settings', () => {
  it('sampleRate 0 drops everything; user code still runs', async () => {
    const handle = setup({ mode: 'sync', sampleRate: 0 });
    expect(langfuse.trace({ name: 'dropped' }, (t) => (t.update({ output: 1 }), t.isRecording))).toBe(false);
    await handle.forceFlush();
    expect(receiver().events()).toHaveLength(0);
  });

  it('a sampled-out trace does no serialization or masking work', async () => {
    let masked = 0;
    let serialized = 0;
    const handle = setup({ mode: 'sync', sampleRate: 0, mask: ({ data }) => (masked++, data) });
    const costly = { toJSON: () => (serialized++, 'costly') };
    langfuse.trace({ name: 'dropped', input: costly, metadata: { costly } }, (t) => {
      t.update({ output: costly });
      langfuse.updateTrace({ input: costly });
      langfuse.generation({ name: 'g', input: costly }, (g) => g.end({ output: costly }));
      langfuse.observe((x: unknown) => x)(costly);
    });
    await handle.forceFlush();
    expect([masked, serialized]).toEqual([0, 0]);
  });

  it('LANGFUSE_SAMPLE_RATE is honoured', async () => {
    vi.stubEnv('LANGFUSE_SAMPLE_RATE', '0');
    const handle = setup({ mode: 'sync' });
    langfuse.trace({ name: 'dropped' }, () => undefined);
    await handle.forceFlush();
    expect(receiver().events()).toHaveLength(0);
  });

  it('sampleRate 1 keeps everything', async () => {
    const handle = setup({ mode: 'sync', sampleRate: 1 });
    for (let i = 0; i < 20; i++) langfuse.trace({ name: `kept-${i}` }, () => undefined);
    await handle.forceFlush();
    expect(observations(receiver().events())).toHaveLength(20);
  });
});
