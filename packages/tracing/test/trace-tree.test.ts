import { describe, expect, it } from 'vitest';
import { langfuse, TRACER_NAME, type ProcessorMode } from '../src/index.js';
import { mergedTrace, observationNamed, observations, spanRecorder, tick, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();

describe.each<ProcessorMode>(['batch', 'sync'])('the exact tree through provider, processor, exporter and receiver (%s)', (mode) => {
  it('stores every observation with its type and parent, and the trace with all its fields', async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode, spanProcessors: [recorder.processor] });
    const completionStart = new Date('2030-01-02T03:04:05.678Z');
    let traceId = '';
    const result = await langfuse.trace(
      {
        name: 'checkout',
        userId: 'user-1',
        sessionId: 'session-1',
        tags: ['web', 'beta'],
        metadata: { plan: 'pro', seats: 3 },
        input: { question: 'what is in my cart?' },
        output: 'two books',
        release: 'r-2024.1',
        version: 'v7',
        environment: 'staging',
        public: true,
      },
      async (t) => {
        traceId = t.id;
        await t.span({ name: 'retrieve', input: 'cart query', metadata: { source: 'db' } }, async (span) => {
          await tick();
          span.event({ name: 'cache-miss', metadata: { key: 'cart:1' } });
          await span.generation(
            {
              name: 'answer',
              model: 'gpt-4o',
              modelParameters: { temperature: 0.2, stream: false },
              input: [{ role: 'user', content: 'what is in my cart?' }],
              usage: { input: 10, output: 5, total: 15, input_cached_tokens: 2 },
              cost: { input: 0.001, output: 0.002, total: 0.003 },
              completionStartTime: completionStart,
              prompt: { name: 'cart-prompt', version: 3 },
            },
            async (generation) => {
              await tick();
              generation.update({ output: { role: 'assistant', content: 'two books' } });
            },
          );
        });
        t.observation({ name: 'lookup-price', type: 'tool', input: { sku: 'b-1' } }, (tool) => {
          tool.observation({ name: 'route', type: 'agent' }, () => undefined);
          tool.update({ output: 12.5 });
        });
        return 'ok';
      },
    );
    expect(result).toBe('ok');
    await handle.forceFlush();

    const events = receiver().events();
    expect(treeOf(events, traceId)).toEqual([
      'agent route <- lookup-price',
      'event cache-miss <- retrieve',
      'generation answer <- retrieve',
      'span checkout <- (root)',
      'span retrieve <- checkout',
      'tool lookup-price <- checkout',
    ]);
    expect(mergedTrace(events, traceId)).toMatchObject({
      id: traceId,
      name: 'checkout',
      userId: 'user-1',
      sessionId: 'session-1',
      tags: ['web', 'beta'],
      metadata: { plan: 'pro', seats: 3 },
      input: { question: 'what is in my cart?' },
      output: 'two books',
      release: 'r-2024.1',
      version: 'v7',
      environment: 'staging',
      public: true,
    });

    const root = observationNamed(events, 'checkout');
    expect(root.body.id).toMatch(/^[0-9a-f]{16}$/);
    expect(root.body['parentObservationId']).toBeUndefined();
    expect(root.body['input']).toEqual({ question: 'what is in my cart?' });

    const generation = observationNamed(events, 'answer');
    expect(generation.body).toMatchObject({
      model: 'gpt-4o',
      modelParameters: { temperature: 0.2, stream: false },
      input: [{ role: 'user', content: 'what is in my cart?' }],
      output: { role: 'assistant', content: 'two books' },
      usageDetails: { input: 10, output: 5, total: 15, input_cached_tokens: 2 },
      costDetails: { input: 0.001, output: 0.002, total: 0.003 },
      completionStartTime: '2030-01-02T03:04:05.678Z',
      promptName: 'cart-prompt',
      promptVersion: 3,
      environment: 'staging',
      version: 'v7',
    });
    expect(observationNamed(events, 'retrieve').body).toMatchObject({ input: 'cart query', metadata: { source: 'db' } });
    expect(observationNamed(events, 'cache-miss').body).toMatchObject({ metadata: { key: 'cart:1' } });
    expect(observationNamed(events, 'lookup-price').body).toMatchObject({ input: { sku: 'b-1' }, output: 12.5 });
    for (const observation of observations(events, traceId)) {
      expect(observation.body['environment']).toBe('staging');
      expect(observation.body['level']).toBe('DEFAULT');
    }

    // Trace-level fields ride on every span, as Langfuse's own SDKs write them.
    expect(recorder.spans()).toHaveLength(6);
    for (const span of recorder.spans()) {
      expect(span.instrumentationScope.name).toBe(TRACER_NAME);
      expect(span.attributes).toMatchObject({
        'langfuse.user.id': 'user-1',
        'langfuse.session.id': 'session-1',
        'langfuse.trace.tags': ['web', 'beta'],
        'langfuse.trace.metadata.plan': 'pro',
        'langfuse.trace.metadata.seats': '3',
      });
    }
  });

  it('nests to any depth and keeps sibling traces apart', async () => {
    const handle = setup({ mode });
    const ids: string[] = [];
    for (const name of ['first', 'second']) {
      langfuse.trace({ name }, (t) => {
        ids.push(t.id);
        const descend = (level: number): void => {
          if (level > 25) return;
          langfuse.span({ name: `${name}-${level}` }, () => descend(level + 1));
        };
        descend(1);
      });
    }
    await handle.forceFlush();
    expect(ids[0]).not.toBe(ids[1]);
    for (const [index, name] of ['first', 'second'].entries()) {
      const tree = treeOf(receiver().events(), ids[index]!);
      expect(tree).toHaveLength(26);
      expect(tree).toContain(`span ${name}-1 <- ${name}`);
      expect(tree).toContain(`span ${name}-25 <- ${name}-24`);
    }
  });
});
