import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createOtlpSpanView } from '../../src/delivery/otlp/otlp-span-view.js';
import { createRecorder } from '../mapping/span-fixtures.js';
import { mapSpans, metadataAttributes, observationNamed } from './convention-helpers.js';

/*
 * Spans shaped as `ai` 7.0.185 + `@ai-sdk/otel` 1.0.185 (`registerTelemetry(new OpenTelemetry({ usage: true }))`)
 * write them for a generateText call with one tool round trip (attributes copied from a real run, scope `gen_ai`):
 * invoke_agent > step 1 > (chat, execute_tool), step 2 > chat. The agent repeats its chats' totals.
 */

const SCOPE = { name: 'gen_ai' };
const INPUT = '[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]';

const chatAttributes = (input: number, output: number, reasoning: number, outputMessages: string): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'mock-provider',
  'gen_ai.request.model': 'mock-model',
  'gen_ai.input.messages': INPUT,
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.response.id': 'aitxt-1',
  'gen_ai.response.model': 'mock-model',
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cache_read.input_tokens': 4,
  'gen_ai.usage.cache_creation.input_tokens': 0,
  'ai.usage.inputTokenDetails.noCacheTokens': input - 4,
  'ai.usage.outputTokenDetails.textTokens': output - reasoning,
  'ai.usage.outputTokenDetails.reasoningTokens': reasoning,
  'gen_ai.output.messages': outputMessages,
});

const AGENT: Attributes = {
  'gen_ai.operation.name': 'invoke_agent',
  'gen_ai.provider.name': 'mock-provider',
  'gen_ai.request.model': 'mock-model',
  'gen_ai.agent.name': 'weather-agent',
  'gen_ai.input.messages': INPUT,
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 30,
  'gen_ai.usage.output_tokens': 12,
  'gen_ai.usage.cache_read.input_tokens': 8,
  'gen_ai.usage.cache_creation.input_tokens': 0,
  'ai.usage.inputTokenDetails.noCacheTokens': 22,
  'ai.usage.outputTokenDetails.textTokens': 8,
  'ai.usage.outputTokenDetails.reasoningTokens': 4,
  'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"Sunny in Paris"}],"finish_reason":"stop"}]',
};

function recordAgentTrace() {
  const recorder = createRecorder({ 'service.name': 'ai7-app' }, SCOPE);
  const agent = recorder.start({ name: 'invoke_agent mock-model', attributes: AGENT });
  const step1 = recorder.start({ name: 'step 1', parent: agent, attributes: { 'gen_ai.operation.name': 'agent_step' } });
  recorder.record({
    name: 'chat mock-model',
    parent: step1,
    attributes: chatAttributes(10, 5, 2, '[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"weather","arguments":{"city":"Paris"}}],"finish_reason":"tool_call"}]'),
  });
  recorder.record({
    name: 'execute_tool weather',
    parent: step1,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.call.id': 'c1',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      'gen_ai.tool.call.result': '{"city":"Paris","sky":"sunny"}',
    },
  });
  step1.end();
  const step2 = recorder.start({ name: 'step 2', parent: agent, attributes: { 'gen_ai.operation.name': 'agent_step' } });
  recorder.record({
    name: 'chat mock-model 2',
    parent: step2,
    attributes: chatAttributes(20, 7, 2, '[{"role":"assistant","parts":[{"type":"text","content":"Sunny in Paris"}],"finish_reason":"stop"}]'),
  });
  step2.end();
  agent.end();
  return recorder.finished();
}

function sumUsage(observations: ReturnType<typeof mapSpans>['observations']): Record<string, number> {
  const total: Record<string, number> = {};
  for (const observation of observations) {
    const usage = (observation.body as { usageDetails?: Record<string, number> }).usageDetails ?? {};
    for (const [key, value] of Object.entries(usage)) total[key] = (total[key] ?? 0) + value;
  }
  return total;
}

describe('Vercel AI SDK 7 (@ai-sdk/otel) spans', () => {
  it('one generation per model call, with model and usage with cached and reasoning tokens split out', () => {
    const mapped = mapSpans(recordAgentTrace());
    const generations = mapped.observations.filter((o) => o.type === 'generation-create');
    expect(generations).toHaveLength(2);
    const first = observationNamed(mapped, 'chat mock-model');
    expect(first.body).toMatchObject({
      model: 'mock-model',
      usageDetails: { input: 6, input_cached_tokens: 4, input_cache_creation: 0, output: 3, output_reasoning_tokens: 2 },
      input: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
    });
    expect(first.body.output).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
    ]);
    // The detail views repeat the same numbers: not left in the metadata copy.
    expect(Object.keys(metadataAttributes(first)).filter((key) => key.startsWith('ai.usage.'))).toEqual([]);
  });

  it('invoke_agent is an agent without model, usage or cost; its totals stay in metadata; usage counts once per trace', () => {
    const mapped = mapSpans(recordAgentTrace());
    const agent = observationNamed(mapped, 'invoke_agent mock-model');
    expect(agent.type).toBe('agent-create');
    const body = agent.body as unknown as Record<string, unknown>;
    expect(body['usageDetails']).toBeUndefined();
    expect(body['costDetails']).toBeUndefined();
    expect(body['model']).toBeUndefined();
    expect(body['metadata']).toMatchObject({
      aggregate_usage: { input_tokens: 30, output_tokens: 12, 'cache_read.input_tokens': 8, 'cache_creation.input_tokens': 0 },
    });
    expect(observationNamed(mapped, 'step 1').type).toBe('span-create');
    expect(observationNamed(mapped, 'execute_tool weather').type).toBe('tool-create');
    expect(sumUsage(mapped.observations)).toEqual({
      input: 22,
      input_cached_tokens: 8,
      input_cache_creation: 0,
      output: 8,
      output_reasoning_tokens: 4,
    });
  });

  it('the OTLP span view moves the agent totals out of gen_ai.usage.* and names reasoning tokens as the server reads them', () => {
    const view = createOtlpSpanView({ onMaskFailure: () => {}, note: () => {} });
    const spans = recordAgentTrace().map(view);
    const agent = spans.find((span) => span.name.startsWith('invoke_agent'))!;
    expect(Object.keys(agent.attributes).filter((key) => key.startsWith('gen_ai.usage.'))).toEqual([]);
    expect(JSON.parse(String(agent.attributes['langfuse.observation.metadata.aggregate_usage']))).toEqual({
      input_tokens: 30,
      output_tokens: 12,
      'cache_read.input_tokens': 8,
      'cache_creation.input_tokens': 0,
    });
    const chat = spans.find((span) => span.name === 'chat mock-model')!;
    expect(chat.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(2);
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(10);
    // Mapped as the receiver maps what arrives over OTLP: the same usage and metadata as on the legacy path.
    const overOtlp = mapSpans(spans);
    expect(sumUsage(overOtlp.observations)).toEqual(sumUsage(mapSpans(recordAgentTrace()).observations));
    expect(observationNamed(overOtlp, 'invoke_agent mock-model').body.metadata).toMatchObject({
      aggregate_usage: { input_tokens: 30, output_tokens: 12 },
    });
  });
});

describe('Vercel AI SDK 5/6 ai.telemetry.metadata.langfusePrompt', () => {
  const doGenerate = (extra: Attributes): Attributes => ({
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.id': 'gpt-4o',
    'ai.model.provider': 'openai.chat',
    'ai.response.text': 'hi',
    ...extra,
  });

  it('links the prompt on the generation and is not metadata', () => {
    const span = createRecorder({}, { name: 'ai' }).record({
      name: 'ai.generateText.doGenerate',
      attributes: doGenerate({
        'ai.telemetry.metadata.langfusePrompt': '{"name":"greeting","version":3,"isFallback":false}',
        'ai.telemetry.metadata.team': 'a',
      }),
    });
    const observation = mapSpans([span]).observations[0]!;
    expect(observation.type).toBe('generation-create');
    expect(observation.body).toMatchObject({ promptName: 'greeting', promptVersion: 3 });
    expect(observation.body.metadata?.['team']).toBe('a');
    expect(observation.body.metadata?.['langfusePrompt']).toBeUndefined();
    expect(metadataAttributes(observation)['ai.telemetry.metadata.langfusePrompt']).toBeUndefined();
  });

  it('explicit langfuse.observation.prompt.* win; not linked on a non-generation span', () => {
    const recorder = createRecorder({}, { name: 'ai' });
    const explicit = recorder.record({
      name: 'ai.generateText.doGenerate',
      attributes: doGenerate({
        'ai.telemetry.metadata.langfusePrompt': '{"name":"greeting","version":3}',
        'langfuse.observation.prompt.name': 'other',
        'langfuse.observation.prompt.version': 7,
      }),
    });
    const outer = recorder.record({
      name: 'ai.generateText',
      attributes: { 'ai.operationId': 'ai.generateText', 'ai.telemetry.metadata.langfusePrompt': '{"name":"greeting","version":3}' },
    });
    const mapped = mapSpans([explicit, outer]);
    expect(observationNamed(mapped, 'ai.generateText.doGenerate').body).toMatchObject({ promptName: 'other', promptVersion: 7 });
    const span = observationNamed(mapped, 'ai.generateText');
    expect(span.type).toBe('span-create');
    expect((span.body as unknown as Record<string, unknown>)['promptName']).toBeUndefined();
  });

  it('text that is not a JSON object links nothing', () => {
    const span = createRecorder({}, { name: 'ai' }).record({
      name: 'ai.generateText.doGenerate',
      attributes: doGenerate({ 'ai.telemetry.metadata.langfusePrompt': 'greeting' }),
    });
    const body = mapSpans([span]).observations[0]!.body as unknown as Record<string, unknown>;
    expect(body['promptName']).toBeUndefined();
  });
});
