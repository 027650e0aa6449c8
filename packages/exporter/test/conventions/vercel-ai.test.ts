import { generateText, simulateReadableStream, stepCountIs, streamText, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useContextManager } from '../helpers.js';
import { toolCallingModel } from '../vercel-ai-fixtures.js';
import { createMemoryProvider, mapSpans, metadataAttributes, observationNamed } from './convention-helpers.js';

/*
 * The real Vercel AI SDK (`ai` 6) with its mock language model and `experimental_telemetry`, recording into an
 * in-memory exporter; the captured spans go through the mapper. No network.
 */

// The SDK nests its spans through the active context: an app gets this from NodeSDK / provider.register().
useContextManager();

/** 10 input tokens of which 4 cache reads, 20 output tokens of which 5 reasoning. */
const usage = {
  inputTokens: { total: 10, noCache: 6, cacheRead: 4, cacheWrite: undefined },
  outputTokens: { total: 20, text: 15, reasoning: 5 },
};
const SPLIT_USAGE = { input: 6, input_cached_tokens: 4, output: 15, output_reasoning_tokens: 5, total: 30 };

const weather = tool({
  description: 'Current weather of a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperature: 20 }),
});

describe('Vercel AI SDK spans (ai 6, real SDK)', () => {
  it('generateText with a tool call: generations with model, usage and messages, a tool observation, one trace', async () => {
    const { provider, exporter } = createMemoryProvider();
    const result = await generateText({
      model: toolCallingModel(usage, 'Sunny, 20°C.'),
      system: 'You answer weather questions.',
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      experimental_telemetry: {
        isEnabled: true,
        tracer: provider.getTracer('ai'),
        functionId: 'weather-bot',
        metadata: { userId: 'user-1', sessionId: 'session-1', tags: ['beta', 'weather'], plan: 'pro' },
      },
    });
    expect(result.text).toBe('Sunny, 20°C.');

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'ai.generateText',
      'ai.generateText.doGenerate',
      'ai.generateText.doGenerate',
      'ai.toolCall',
    ]);
    const mapped = mapSpans(spans);
    const [firstStep, secondStep] = mapped.observations.filter((o) => o.type === 'generation-create');
    expect(firstStep).toBeDefined();
    expect(secondStep).toBeDefined();

    // Step 1: the model calls the tool.
    expect(firstStep!.body).toMatchObject({
      name: 'weather-bot:ai.generateText.doGenerate',
      model: 'mock-model-id',
      usageDetails: SPLIT_USAGE,
      modelParameters: { finishReason: 'tool-calls', system: 'mock-provider', toolChoice: '{"type":"auto"}' },
      input: [
        { role: 'system', content: 'You answer weather questions.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      ],
      output: { role: 'assistant', tool_calls: [{ toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' }] },
    });
    // Step 2: the answer, with the tool result in its input.
    expect(secondStep!.body.output).toBe('Sunny, 20°C.');
    expect(secondStep!.body.usageDetails).toEqual(SPLIT_USAGE);
    expect(secondStep!.body.input).toHaveLength(4);

    const toolCall = observationNamed(mapped, 'ai.toolCall');
    expect(toolCall.type).toBe('tool-create');
    expect(toolCall.body).toMatchObject({
      name: 'weather',
      input: { city: 'Paris' },
      output: { city: 'Paris', temperature: 20 },
    });

    // The outer call is a plain span: its usage is the sum of the steps and must not be counted again.
    const outer = observationNamed(mapped, 'ai.generateText');
    expect(outer.type).toBe('span-create');
    expect(outer.body.usageDetails).toBeUndefined();
    expect(outer.body).toMatchObject({
      name: 'weather-bot:ai.generateText',
      input: { system: 'You answer weather questions.', prompt: 'Weather in Paris?' },
      output: 'Sunny, 20°C.',
    });

    // One connected tree: the outer span is the root, everything else hangs under it.
    expect(new Set(mapped.observations.map((o) => o.body.traceId)).size).toBe(1);
    expect(outer.body.parentObservationId).toBeUndefined();
    expect(firstStep!.body.parentObservationId).toBe(outer.body.id);
    expect(toolCall.body.parentObservationId).toBe(outer.body.id);

    // Trace fields from the telemetry metadata; the rest of it is observation metadata.
    expect(mapped.traces).toHaveLength(1);
    expect(mapped.traces[0]!.body).toMatchObject({
      name: 'weather-bot:ai.generateText',
      userId: 'user-1',
      sessionId: 'session-1',
      tags: ['beta', 'weather'],
      input: { system: 'You answer weather questions.', prompt: 'Weather in Paris?' },
      output: 'Sunny, 20°C.',
    });
    for (const observation of mapped.observations) {
      expect(observation.body.metadata?.['plan']).toBe('pro');
      // Mapped attributes are not repeated in the metadata copy.
      const attributes = Object.keys(metadataAttributes(observation));
      expect(attributes.filter((key) => /^ai\.(telemetry\.metadata\.|prompt$|prompt\.messages$|response\.(text|toolCalls)$|toolCall\.(args|result|name)$)/.test(key))).toEqual([]);
    }
    for (const generation of [firstStep!, secondStep!]) {
      expect(Object.keys(metadataAttributes(generation)).filter((key) => /usage/.test(key))).toEqual([]);
    }
    // Unmapped attributes stay there for debugging; the span's own (summed) usage too, since a span has no usage.
    expect(metadataAttributes(firstStep!)).toHaveProperty('ai.settings.maxRetries', 2);
    expect(metadataAttributes(outer)).toHaveProperty('ai.usage.totalTokens', 60);
  });

  it('streamText: a generation with model, usage, output and a completion start time', async () => {
    const { provider, exporter } = createMemoryProvider();
    const model = new MockLanguageModelV3({
      modelId: 'mock-stream-model',
      doStream: async () => ({
        stream: simulateReadableStream({
          initialDelayInMs: 20,
          chunkDelayInMs: 1,
          chunks: [
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: 'Hello' },
            { type: 'text-delta', id: 't', delta: ', world' },
            { type: 'text-end', id: 't' },
            { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage },
          ],
        }),
      }),
    });
    const stream = streamText({
      model,
      prompt: 'Say hello',
      temperature: 0.3,
      maxOutputTokens: 64,
      experimental_telemetry: { isEnabled: true, tracer: provider.getTracer('ai') },
    });
    expect(await stream.text).toBe('Hello, world');
    await stream.consumeStream();

    const doStreamSpan = exporter.getFinishedSpans().find((s) => s.name === 'ai.streamText.doStream');
    expect(doStreamSpan).toBeDefined();
    const mapped = mapSpans(exporter.getFinishedSpans());
    const generation = observationNamed(mapped, 'ai.streamText.doStream');
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({
      name: 'ai.streamText.doStream',
      model: 'mock-stream-model',
      usageDetails: SPLIT_USAGE,
      modelParameters: { maxTokens: '64', temperature: '0.3', system: 'mock-provider' },
      input: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      output: 'Hello, world',
    });
    // start + ai.response.msToFirstChunk (the mock waits 20 ms before the first chunk).
    const msToFirstChunk = doStreamSpan!.attributes['ai.response.msToFirstChunk'] as number;
    expect(msToFirstChunk).toBeGreaterThanOrEqual(15);
    const start = Date.parse(generation.body.startTime!);
    const completionStart = Date.parse(generation.body.completionStartTime!);
    expect(completionStart - start).toBeGreaterThanOrEqual(Math.floor(msToFirstChunk) - 1);
    expect(completionStart - start).toBeLessThanOrEqual(Math.ceil(msToFirstChunk) + 1);
    expect(metadataAttributes(generation)).not.toHaveProperty('ai.response.msToFirstChunk');
    // The SDK's own stream events stay event observations under the generation.
    expect(mapped.observations.filter((o) => o.type === 'event-create').map((o) => o.body.name)).toContain(
      'ai.stream.firstChunk',
    );
  });

  it('spans recorded through a tracer of any name are still read as the Vercel AI SDK', async () => {
    const { provider, exporter } = createMemoryProvider();
    await generateText({
      model: toolCallingModel(usage, 'Sunny, 20°C.'),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, tracer: provider.getTracer('my-app') },
    });
    const mapped = mapSpans(exporter.getFinishedSpans());
    expect(mapped.observations.map((o) => o.type).sort()).toEqual([
      'generation-create',
      'generation-create',
      'span-create',
      'tool-create',
    ]);
    const generations = mapped.observations.filter((o) => o.type === 'generation-create');
    for (const generation of generations) expect(generation.body.usageDetails).toEqual(SPLIT_USAGE);
  });
});
