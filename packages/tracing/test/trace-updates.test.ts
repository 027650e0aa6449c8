import { describe, expect, it } from 'vitest';
import { langfuse } from '../src/index.js';
import { mergedTrace, observationNamed, spanRecorder, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

describe('trace fields from anywhere inside the trace', () => {
  it('langfuse.updateTrace() reaches the trace and every observation started after it', async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', spanProcessors: [recorder.processor] });
    let traceId = '';
    langfuse.trace({ name: 'conversation', userId: 'user-1', metadata: { channel: 'chat' } }, (t) => {
      traceId = t.id;
      langfuse.span({ name: 'before' }, () => undefined);
      langfuse.span({ name: 'deep' }, () => {
        langfuse.updateTrace({ name: 'renamed', sessionId: 'session-9', tags: ['late'], metadata: { stage: 'two' }, output: 'final answer' });
        langfuse.span({ name: 'after' }, () => undefined);
      });
    });
    await handle.forceFlush();

    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({
      name: 'renamed',
      userId: 'user-1',
      sessionId: 'session-9',
      tags: ['late'],
      metadata: { channel: 'chat', stage: 'two' },
      output: 'final answer',
    });
    const expected = { 'langfuse.session.id': 'session-9', 'langfuse.trace.tags': ['late'], 'langfuse.trace.metadata.stage': 'two' };
    expect(recorder.byName('after').attributes).toMatchObject({ ...expected, 'langfuse.user.id': 'user-1', 'langfuse.trace.metadata.channel': 'chat' });
    expect(recorder.byName('deep').attributes).toMatchObject(expected);
    expect(recorder.byName('before').attributes['langfuse.session.id']).toBeUndefined();
    expect(recorder.byName('conversation').attributes).toMatchObject({ ...expected, 'langfuse.trace.name': 'renamed', 'langfuse.trace.output': 'final answer' });
  });

  it('the trace handle updates the trace as trace() options do: name and I/O through the root observation', async () => {
    const handle = setup({ mode: 'sync' });
    let traceId = '';
    langfuse.trace({ name: 'draft', tags: ['a'] }, (t) => {
      traceId = t.id;
      t.update({ name: 'final', input: { q: 1 }, output: { answer: 42 }, tags: ['b'], public: false, release: 'r9' });
    });
    await handle.forceFlush();
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({
      name: 'final',
      input: { q: 1 },
      output: { answer: 42 },
      tags: ['a', 'b'],
      public: false,
      release: 'r9',
    });
    expect(observationNamed(receiver().events(), 'final').body).toMatchObject({ input: { q: 1 }, output: { answer: 42 } });
  });

  it('a trace() inside a trace is an observation of it, adding its trace fields, not a new trace', async () => {
    const handle = setup({ mode: 'sync' });
    let outer = '';
    let inner = '';
    langfuse.trace({ name: 'outer' }, (t) => {
      outer = t.id;
      langfuse.trace({ name: 'inner', userId: 'user-2' }, (nested) => {
        inner = nested.id;
      });
    });
    await handle.forceFlush();
    expect(inner).toBe(outer);
    expect(treeOf(receiver().events(), outer)).toEqual(['span inner <- outer', 'span outer <- (root)']);
    expect(mergedTrace(receiver().events(), outer)).toMatchObject({ name: 'outer', userId: 'user-2' });
  });

  it('a span with no trace around it starts one', async () => {
    const handle = setup({ mode: 'sync' });
    const traceId = langfuse.span({ name: 'lonely' }, (span) => span.traceId);
    await handle.forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual(['span lonely <- (root)']);
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({ name: 'lonely' });
  });
});

describe('observations that cannot be wrapped in a callback', () => {
  it('start/end handles build the same tree, and run() makes one active', async () => {
    const handle = setup({ mode: 'batch' });
    const t = langfuse.startTrace({ name: 'manual', userId: 'user-3' });
    const span = t.startSpan({ name: 'manual-span', input: 'in' });
    const generation = span.startGeneration({ name: 'manual-generation', model: 'claude' });
    generation.end({ output: 'text', usage: { input: 3, output: 4 } });
    span.run(() => {
      expect(langfuse.currentObservation()?.id).toBe(span.id);
      langfuse.event({ name: 'inside-run' });
    });
    const tool = span.startObservation({ name: 'manual-tool', type: 'tool' });
    tool.end();
    span.end({ output: 'out' });
    t.end({ output: 'done' });
    expect(langfuse.currentObservation()).toBeUndefined();

    // Using ended handles is harmless and silent.
    generation.update({ output: 'late' });
    generation.end();
    t.update({ output: 'too late' });

    await handle.forceFlush();
    const events = receiver().events();
    expect(treeOf(events, t.id)).toEqual([
      'event inside-run <- manual-span',
      'generation manual-generation <- manual-span',
      'span manual <- (root)',
      'span manual-span <- manual',
      'tool manual-tool <- manual-span',
    ]);
    expect(observationNamed(events, 'manual-generation').body).toMatchObject({ model: 'claude', output: 'text', usageDetails: { input: 3, output: 4 } });
    expect(mergedTrace(events, t.id)).toMatchObject({ userId: 'user-3', output: 'done' });
    expect(logs().text()).not.toMatch(/ended Span|only call end\(\) on a span once/);
  });

  it('updateObservation() updates the active observation; currentTraceId() names its trace', async () => {
    const handle = setup({ mode: 'sync' });
    let traceId: string | undefined;
    langfuse.trace({ name: 'outer' }, () => {
      langfuse.generation({ name: 'llm' }, () => {
        traceId = langfuse.currentTraceId();
        langfuse.updateObservation({ model: 'gpt-4o-mini', output: 'streamed', level: 'WARNING', statusMessage: 'slow' });
      });
    });
    await handle.forceFlush();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(observationNamed(receiver().events(), 'llm').body).toMatchObject({
      traceId,
      model: 'gpt-4o-mini',
      output: 'streamed',
      level: 'WARNING',
      statusMessage: 'slow',
    });
  });
});
