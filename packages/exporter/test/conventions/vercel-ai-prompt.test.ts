import { generateText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { useContextManager } from '../helpers.js';
import { createMemoryProvider, mapSpans, metadataAttributes, observationNamed } from './convention-helpers.js';

/* The real Vercel AI SDK (`ai` 6): a Langfuse prompt passed as `langfusePrompt` telemetry metadata links the prompt. */

useContextManager();

describe('ai.telemetry.metadata.langfusePrompt (ai 6, real SDK)', () => {
  it('links the prompt on the model call generation, not on the outer span, and is not metadata', async () => {
    const { provider, exporter } = createMemoryProvider();
    await generateText({
      model: new MockLanguageModelV3({
        modelId: 'mock-model-id',
        doGenerate: {
          content: [{ type: 'text', text: 'Hello' }],
          finishReason: { unified: 'stop', raw: undefined },
          usage: { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
          warnings: [],
        },
      }),
      prompt: 'Say hello',
      experimental_telemetry: {
        isEnabled: true,
        tracer: provider.getTracer('ai'),
        // What a Langfuse prompt client's toJSON() gives: JSON text with name, version and more.
        metadata: { langfusePrompt: JSON.stringify({ name: 'greeting', version: 3, isFallback: false }), plan: 'pro' },
      },
    });
    const mapped = mapSpans(exporter.getFinishedSpans());
    const generation = observationNamed(mapped, 'ai.generateText.doGenerate');
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({ promptName: 'greeting', promptVersion: 3 });
    expect(generation.body.metadata).toMatchObject({ plan: 'pro' });
    expect(generation.body.metadata?.['langfusePrompt']).toBeUndefined();
    expect(metadataAttributes(generation)['ai.telemetry.metadata.langfusePrompt']).toBeUndefined();

    const outer = observationNamed(mapped, 'ai.generateText');
    expect(outer.type).toBe('span-create');
    expect(outer.body as unknown as Record<string, unknown>).not.toHaveProperty('promptName');
    expect(outer.body.metadata?.['langfusePrompt']).toBeUndefined();
  });
});
