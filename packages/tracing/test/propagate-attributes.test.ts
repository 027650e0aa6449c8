import { trace } from '@opentelemetry/api';
import { generateText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { langfuse, propagateAttributes } from '../src/index.js';
import { mergedTrace, observationNamed, observations, spanRecorder, useTracingTestBed } from './helpers.js';

// Spans of other instrumentation get the trace's user, session, tags, ... (from langfuse.trace() or a
// propagateAttributes scope) from our processor's onStart, so they reach Langfuse with them on either transport;
// and setupLangfuse() with no options receives the spans of instrumentation that uses the global tracer.

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 4, text: 4, reasoning: undefined },
};

function mockModel(): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    modelId: 'mock-model-id',
    doGenerate: async () => ({ content: [{ type: 'text', text: 'Hello!' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] }),
  });
}

describe('the Vercel AI SDK (ai 6, experimental_telemetry on, default tracer) with setupLangfuse() defaults', () => {
  it('its spans reach Langfuse: a generation with model, usage, input and output', async () => {
    const handle = setup({ mode: 'sync' });
    const result = await generateText({ model: mockModel(), prompt: 'Say hello', experimental_telemetry: { isEnabled: true } });
    expect(result.text).toBe('Hello!');
    await handle.forceFlush();
    const generation = observations(receiver().events()).find((e) => e.type === 'generation-create');
    expect(generation?.body).toMatchObject({ model: 'mock-model-id', usageDetails: { input: 12, output: 4 } });
    expect(JSON.stringify(generation?.body['output'])).toContain('Hello!');
  });

  it.each(['ingestion', 'otlp'] as const)('inside langfuse.trace(), its spans carry the trace user, session, tags and metadata (%s)', async (transport) => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', transport, spanProcessors: [recorder.processor] });
    const traceId = await langfuse.trace({ name: 'chat', userId: 'u-42', sessionId: 's-7', tags: ['beta'], metadata: { plan: 'pro' } }, async (t) => {
      await generateText({ model: mockModel(), prompt: 'Say hello', experimental_telemetry: { isEnabled: true } });
      return t.id;
    });
    await handle.forceFlush();
    for (const span of recorder.spans().filter((s) => s.instrumentationScope.name === 'ai')) {
      expect(span.attributes, span.name).toMatchObject({ 'langfuse.user.id': 'u-42', 'langfuse.session.id': 's-7', 'langfuse.trace.tags': ['beta'], 'langfuse.trace.metadata.plan': 'pro' });
    }
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({ name: 'chat', userId: 'u-42', sessionId: 's-7', tags: ['beta'], metadata: { plan: 'pro' } });
  });
});

describe('propagateAttributes', () => {
  it.each(['ingestion', 'otlp'] as const)('writes every field onto third-party spans started inside it, which Langfuse then stores on the trace (%s)', async (transport) => {
    const handle = setup({ mode: 'sync', transport, exportPolicy: 'all' });
    const traceId = propagateAttributes(
      { userId: 'u-1', sessionId: 's-1', tags: ['a'], metadata: { tenant: 'acme' }, version: 'v3', release: 'r-9', environment: 'staging', traceName: 'support-chat' },
      () => {
        const span = trace.getTracer('openllmetry').startSpan('openai.chat', { attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat' } });
        span.end();
        return span.spanContext().traceId;
      },
    );
    await handle.forceFlush();
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({
      name: 'support-chat',
      userId: 'u-1',
      sessionId: 's-1',
      tags: ['a'],
      metadata: { tenant: 'acme' },
      version: 'v3',
      release: 'r-9',
      environment: 'staging',
    });
    expect(observationNamed(receiver().events(), 'openai.chat').body).toMatchObject({ environment: 'staging', version: 'v3' });
  });

  it('nests: inner values win, tags add up, metadata merges by key; the trace fields of langfuse.trace() win over a scope', async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', exportPolicy: 'all', spanProcessors: [recorder.processor] });
    propagateAttributes({ userId: 'outer', tags: ['x'], metadata: { a: 1, b: 1 } }, () =>
      propagateAttributes({ userId: 'inner', tags: ['y'], metadata: { b: 2 } }, () => {
        trace.getTracer('lib').startSpan('in-scope').end();
        langfuse.trace({ name: 'facade', sessionId: 'from-trace', userId: 'trace-user' }, () => {
          trace.getTracer('lib').startSpan('in-trace').end();
        });
      }),
    );
    await handle.forceFlush();
    expect(recorder.byName('in-scope').attributes).toMatchObject({
      'langfuse.user.id': 'inner',
      'langfuse.trace.tags': ['x', 'y'],
      'langfuse.trace.metadata.a': '1',
      'langfuse.trace.metadata.b': '2',
    });
    expect(recorder.byName('in-trace').attributes).toMatchObject({ 'langfuse.user.id': 'trace-user', 'langfuse.session.id': 'from-trace', 'langfuse.trace.tags': ['x', 'y'] });
    expect(recorder.byName('facade').attributes).toMatchObject({ 'langfuse.user.id': 'trace-user', 'langfuse.trace.metadata.a': '1' });
  });

  it("keeps what a span set itself, and links the prompt on generations only", async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', exportPolicy: 'all', spanProcessors: [recorder.processor] });
    propagateAttributes({ userId: 'scope-user', prompt: { name: 'support', version: 3 } }, () => {
      trace.getTracer('lib').startSpan('own-user', { attributes: { 'langfuse.user.id': 'span-user' } }).end();
      trace.getTracer('lib').startSpan('llm-call', { attributes: { 'gen_ai.request.model': 'm' } }).end();
      langfuse.generation({ name: 'facade-generation', model: 'm' }, () => undefined);
      langfuse.span({ name: 'facade-span' }, () => undefined);
    });
    await handle.forceFlush();
    expect(recorder.byName('own-user').attributes['langfuse.user.id']).toBe('span-user');
    expect(recorder.byName('own-user').attributes['langfuse.observation.prompt.name']).toBeUndefined();
    expect(recorder.byName('llm-call').attributes).toMatchObject({ 'langfuse.observation.prompt.name': 'support', 'langfuse.observation.prompt.version': 3 });
    expect(recorder.byName('facade-generation').attributes).toMatchObject({ 'langfuse.user.id': 'scope-user', 'langfuse.observation.prompt.name': 'support' });
    expect(recorder.byName('facade-span').attributes['langfuse.observation.prompt.name']).toBeUndefined();
  });

  it('bad input never throws: the function still runs, with one warning', () => {
    setup({ mode: 'sync' });
    expect(propagateAttributes(null as never, () => 'ran')).toBe('ran');
    expect(propagateAttributes({ prompt: { name: 'p', version: 'x' } } as never, () => 'ran too')).toBe('ran too');
    expect(propagateAttributes({}, 'not a function' as never)).toBeUndefined();
    const warnings = logs().lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings.some((m) => m.includes('prompt needs a name and an integer version'))).toBe(true);
    expect(warnings.some((m) => m.includes('needs a function'))).toBe(true);
  });
});
