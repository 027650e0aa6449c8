import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanAttributes } from '@traceloop/ai-semantic-conventions';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryProvider, mapSpans, metadataAttributes, observationNamed } from './convention-helpers.js';
import { createRecorder } from '../mapping/span-fixtures.js';

/*
 * OpenLLMetry's OpenAI instrumentation (GenAI semantic conventions) around the official `openai` client, pointed
 * at a fake OpenAI endpoint on 127.0.0.1. No request leaves the machine.
 */

const USAGE = {
  prompt_tokens: 100,
  completion_tokens: 20,
  total_tokens: 120,
  prompt_tokens_details: { cached_tokens: 60 },
  completion_tokens_details: { reasoning_tokens: 5 },
};

let server: Server;
let baseURL: string;
const requests: { url: string | undefined; body: unknown }[] = [];

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push({ url: request.url, body: JSON.parse(body) as unknown });
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          id: 'chatcmpl-test-1',
          object: 'chat.completion',
          created: 1_714_564_800,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop', logprobs: null }],
          usage: USAGE,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('OpenLLMetry OpenAI instrumentation (real instrumentation, loopback fake endpoint)', () => {
  it('a chat completion becomes a generation with model, parameters, usage and messages', async () => {
    const { provider, exporter } = createMemoryProvider();
    // Patch the class this test imports (ESM modules loaded by vitest are not hooked by require-in-the-middle).
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(provider);
    instrumentation.manuallyInstrument(OpenAI);

    const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Capital of France?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Paris.');
    expect(requests.at(-1)?.url).toBe('/v1/chat/completions');

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.instrumentationScope.name).toBe('@traceloop/instrumentation-openai');
    const mapped = mapSpans(spans);
    const generation = observationNamed(mapped, spans[0]!.name);
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      modelParameters: { max_tokens: 50, temperature: 0.2 },
      input: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
      ],
      output: [{ role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: 'Paris.' }] }],
    });
    // This instrumentation reports the prompt tokens (cached ones included) but not the cached count: the 60
    // cached tokens stay inside `input`, counted once; nothing is added on top.
    const usage = generation.body.usageDetails!;
    expect(usage).toEqual({ input: 100, output: 20, total: 120 });
    expect(usage['input']! + usage['output']!).toBe(usage['total']);

    const leftover = metadataAttributes(generation);
    // Mapped attributes are left out of the metadata copy; the request model (the response model won) stays.
    expect(Object.keys(leftover).filter((key) => /^gen_ai\.(usage\.|input\.|output\.|request\.(max_tokens|temperature))/.test(key))).toEqual([]);
    expect(leftover['gen_ai.response.model']).toBeUndefined();
    expect(leftover['gen_ai.request.model']).toBe('gpt-4o-mini');
    expect(leftover['gen_ai.operation.name']).toBe('chat');
    expect(mapped.traces[0]?.body).toMatchObject({ name: spans[0]!.name, input: generation.body.input });
  });
});

describe('OpenLLMetry attribute sets (as its semantic-conventions package names them)', () => {
  it('flattened prompts/completions, cache and reasoning tokens split out of input/output', () => {
    const recorder = createRecorder({ 'service.name': 'llm-app' }, { name: 'opentelemetry.instrumentation.anthropic', version: '0.40.0' });
    const span = recorder.record({
      name: 'anthropic.chat',
      attributes: {
        [SpanAttributes.LLM_REQUEST_TYPE]: 'chat',
        'gen_ai.system': 'Anthropic',
        'gen_ai.request.model': 'claude-sonnet-4',
        'gen_ai.request.max_tokens': 1024,
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'Be brief.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Capital of France?',
        'gen_ai.response.model': 'claude-sonnet-4-20250514',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'Paris.',
        'gen_ai.completion.0.finish_reason': 'end_turn',
        'gen_ai.completion.0.tool_calls.0.name': 'lookup',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"q":"France"}',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 300,
        [SpanAttributes.GEN_AI_USAGE_TOTAL_TOKENS]: 1300,
        [SpanAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 600,
        [SpanAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 100,
        [SpanAttributes.GEN_AI_USAGE_REASONING_TOKENS]: 120,
        [SpanAttributes.LLM_USAGE_TOTAL_TOKENS]: 1300,
      },
    });
    const mapped = mapSpans([span]);
    const generation = observationNamed(mapped, 'anthropic.chat');
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({
      model: 'claude-sonnet-4-20250514',
      modelParameters: { max_tokens: 1024 },
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Capital of France?' },
      ],
      output: [
        {
          role: 'assistant',
          content: 'Paris.',
          finish_reason: 'end_turn',
          tool_calls: [{ name: 'lookup', arguments: '{"q":"France"}' }],
        },
      ],
    });
    // 1000 input = 300 uncached + 600 cache reads + 100 cache writes; 300 output = 180 + 120 reasoning.
    expect(generation.body.usageDetails).toEqual({
      input: 300,
      input_cached_tokens: 600,
      input_cache_creation: 100,
      output: 180,
      output_reasoning_tokens: 120,
      total: 1300,
    });
    const leftover = Object.keys(metadataAttributes(generation));
    expect(leftover.filter((key) => key.startsWith('gen_ai.prompt') || key.startsWith('gen_ai.completion'))).toEqual([]);
    expect(leftover).toContain(SpanAttributes.LLM_REQUEST_TYPE);
  });

  it('workflow entities: traceloop.entity.input/output on a plain span', () => {
    const recorder = createRecorder({}, { name: '@traceloop/node-server-sdk' });
    const span = recorder.record({
      name: 'plan_trip.workflow',
      attributes: {
        [SpanAttributes.TRACELOOP_SPAN_KIND]: 'workflow',
        [SpanAttributes.TRACELOOP_WORKFLOW_NAME]: 'plan_trip',
        [SpanAttributes.TRACELOOP_ENTITY_NAME]: 'plan_trip',
        [SpanAttributes.TRACELOOP_ENTITY_INPUT]: '{"args":["Paris"],"kwargs":{}}',
        [SpanAttributes.TRACELOOP_ENTITY_OUTPUT]: '"3 days"',
      },
    });
    const observation = observationNamed(mapSpans([span]), 'plan_trip.workflow');
    expect(observation.type).toBe('span-create');
    expect(observation.body).toMatchObject({ input: { args: ['Paris'], kwargs: {} }, output: '3 days' });
    expect(metadataAttributes(observation)).toEqual({
      [SpanAttributes.TRACELOOP_SPAN_KIND]: 'workflow',
      [SpanAttributes.TRACELOOP_WORKFLOW_NAME]: 'plan_trip',
      [SpanAttributes.TRACELOOP_ENTITY_NAME]: 'plan_trip',
    });
  });
});
