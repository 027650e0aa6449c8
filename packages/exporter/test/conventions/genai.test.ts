import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  EVENT_GEN_AI_ASSISTANT_MESSAGE,
  EVENT_GEN_AI_CHOICE,
  EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS,
  EVENT_GEN_AI_SYSTEM_MESSAGE,
  EVENT_GEN_AI_USER_MESSAGE,
} from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { createRecorder, type SpanSpec } from '../mapping/span-fixtures.js';
import { mapSpans, metadataAttributes, observationNamed } from './convention-helpers.js';
import { spanEventId } from '../../src/mapping/span-events.js';

/* OpenTelemetry GenAI semantic-convention spans; every name from @opentelemetry/semantic-conventions. */

const CHAT: Attributes = {
  [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
  [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
  [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o',
  [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-2024-08-06',
};

function map(spec: SpanSpec, scope = { name: 'opentelemetry.instrumentation.openai_v2', version: '2.1b0' }) {
  const span = createRecorder({ 'service.name': 'chat-app' }, scope).record({ name: 'chat gpt-4o', ...spec });
  const mapped = mapSpans([span]);
  return { mapped, observation: observationNamed(mapped, span.name) };
}

describe('GenAI semantic conventions', () => {
  it('usage: cache reads/writes and reasoning are split out of input/output (never counted twice)', () => {
    const { observation } = map({
      attributes: {
        ...CHAT,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 1000,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 700,
        [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 200,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 50,
        [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 20,
      },
    });
    expect(observation.type).toBe('generation-create');
    expect(observation.body.model).toBe('gpt-4o-2024-08-06');
    expect(observation.body.usageDetails).toEqual({
      input: 100,
      input_cached_tokens: 700,
      input_cache_creation: 200,
      output: 30,
      output_reasoning_tokens: 20,
    });
  });

  it('usage: floors at 0, keeps unknown keys, drops what is not a non-negative integer (with a note)', () => {
    const { observation, mapped } = map({
      attributes: {
        ...CHAT,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: '10',
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 25,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: -3,
        'gen_ai.usage.audio_input_tokens': 4,
        'gen_ai.usage.cost': 0.25,
      },
    });
    expect(observation.body.usageDetails).toEqual({ input: 0, input_cached_tokens: 25, audio_input_tokens: 4 });
    expect(observation.body.costDetails).toEqual({ total: 0.25 });
    expect(mapped.notes.map((n) => n.code)).toContain('usage-invalid');
  });

  it('model parameters: every gen_ai.request.* except the model', () => {
    const { observation } = map({
      attributes: {
        ...CHAT,
        [ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.7,
        [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 200,
        [ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: ['\n\n', 'END'],
      },
    });
    expect(observation.body.modelParameters).toEqual({ temperature: 0.7, max_tokens: 200, stop_sequences: '["\\n\\n","END"]' });
  });

  it('input/output messages with the system instructions as a leading system message', () => {
    const { observation, mapped } = map({
      attributes: {
        ...CHAT,
        [ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]: JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
        [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        [ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
        ]),
      },
    });
    expect(observation.body.input).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
    expect(observation.body.output).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' },
    ]);
    expect(mapped.traces[0]?.body.input).toEqual(observation.body.input);
    const leftover = Object.keys(metadataAttributes(observation));
    expect(leftover).not.toContain(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS);
    expect(leftover).not.toContain(ATTR_GEN_AI_INPUT_MESSAGES);
  });

  it('system instructions as whole messages stay messages, and are not added twice', () => {
    const system = [{ role: 'system', parts: [{ type: 'text', content: 'Rule 1' }] }];
    const withoutSystem = map({
      attributes: {
        ...CHAT,
        [ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]: JSON.stringify(system),
        [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'user', content: 'Hi' }]),
      },
    });
    expect(withoutSystem.observation.body.input).toEqual([...system, { role: 'user', content: 'Hi' }]);
    const alreadyThere = map({
      attributes: {
        ...CHAT,
        [ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]: 'Rule 2',
        [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'system', content: 'Rule 1' }, { role: 'user', content: 'Hi' }]),
      },
    });
    expect(alreadyThere.observation.body.input).toEqual([
      { role: 'system', content: 'Rule 1' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('the inference details span event supplies input/output and is not also an event observation', () => {
    const { observation, mapped } = map({
      attributes: CHAT,
      events: [
        { name: 'retry', attributes: { attempt: 1 } },
        {
          name: EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS,
          attributes: {
            [ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]: 'Be brief.',
            [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
            [ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Hey' }] }]),
          },
        },
      ],
    });
    expect(observation.body.input).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
    expect(observation.body.output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hey' }] }]);
    const events = mapped.observations.filter((o) => o.type === 'event-create');
    expect(events.map((e) => e.body.name)).toEqual(['retry']);
    expect(events[0]!.body.id).toBe(`${spanEventId(observation.body.id, 0)}`);
  });

  it('older per-message span events: messages in order → input, one choice → output', () => {
    const { observation, mapped } = map({
      attributes: CHAT,
      events: [
        { name: EVENT_GEN_AI_SYSTEM_MESSAGE, attributes: { content: 'Be brief.' } },
        { name: EVENT_GEN_AI_USER_MESSAGE, attributes: { content: 'Hi' } },
        { name: EVENT_GEN_AI_ASSISTANT_MESSAGE, attributes: { content: 'Hello', tool_calls: '[{"id":"c1","type":"function"}]' } },
        { name: EVENT_GEN_AI_USER_MESSAGE, attributes: { content: '[not json' } },
        { name: EVENT_GEN_AI_CHOICE, attributes: { index: 0, finish_reason: 'stop', message: '{"role":"assistant","content":"Bye"}' } },
      ],
    });
    expect(observation.body.input).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello', tool_calls: [{ id: 'c1', type: 'function' }] },
      { role: 'user', content: '[not json' },
    ]);
    expect(observation.body.output).toEqual({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'Bye' },
    });
    expect(mapped.observations.filter((o) => o.type === 'event-create')).toEqual([]);
  });

  it('an explicit langfuse.* value wins; the convention carriers of that field are then left out too', () => {
    const { observation } = map({
      attributes: {
        ...CHAT,
        'langfuse.observation.input': '"explicit input"',
        'langfuse.observation.model.name': 'my-model',
        'langfuse.observation.usage_details': '{"input":1,"output":2}',
        [ATTR_GEN_AI_INPUT_MESSAGES]: '[{"role":"user","content":"Hi"}]',
        [ATTR_GEN_AI_OUTPUT_MESSAGES]: '[{"role":"assistant","content":"Hey"}]',
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 10,
      },
      events: [{ name: EVENT_GEN_AI_USER_MESSAGE, attributes: { content: 'Hi' } }],
    });
    expect(observation.body).toMatchObject({
      model: 'my-model',
      input: 'explicit input',
      output: [{ role: 'assistant', content: 'Hey' }],
      usageDetails: { input: 1, output: 2 },
    });
    const leftover = metadataAttributes(observation);
    expect(leftover).not.toHaveProperty(ATTR_GEN_AI_INPUT_MESSAGES);
    expect(leftover).toHaveProperty(ATTR_GEN_AI_USAGE_INPUT_TOKENS, 10);
    expect(leftover).toHaveProperty(ATTR_GEN_AI_RESPONSE_MODEL);
  });

  it('an unknown explicit type falls through to the conventions', () => {
    const { observation, mapped } = map({ attributes: { ...CHAT, 'langfuse.observation.type': 'llm-call' } });
    expect(observation.type).toBe('generation-create');
    expect(mapped.notes.map((n) => n.code)).toContain('observation-type-invalid');
    const explicitSpan = map({ attributes: { ...CHAT, 'langfuse.observation.type': 'span' } });
    expect(explicitSpan.observation.type).toBe('span-create');
    expect(explicitSpan.observation.body.model).toBeUndefined();
  });

  it.each([
    ['embeddings', 'embedding-create'],
    ['invoke_agent', 'agent-create'],
    ['create_agent', 'agent-create'],
    ['text_completion', 'generation-create'],
    ['generate_content', 'generation-create'],
  ])('operation %s → %s', (operation, type) => {
    const { observation } = map({ attributes: { [ATTR_GEN_AI_OPERATION_NAME]: operation } });
    expect(observation.type).toBe(type);
  });

  it('a tool execution: tool observation named after the tool, arguments and result as I/O', () => {
    const { observation } = map({
      name: 'execute_tool',
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
        [ATTR_GEN_AI_TOOL_NAME]: 'get_weather',
        [ATTR_GEN_AI_TOOL_CALL_ID]: 'call-9',
        [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: '{"city":"Oslo"}',
        [ATTR_GEN_AI_TOOL_CALL_RESULT]: '{"temperature":-2}',
      },
    });
    expect(observation.type).toBe('tool-create');
    expect(observation.body).toMatchObject({
      name: 'get_weather',
      input: { city: 'Oslo' },
      output: { temperature: -2 },
    });
    expect(metadataAttributes(observation)).toEqual({
      [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR_GEN_AI_TOOL_CALL_ID]: 'call-9',
    });
  });

  it('a tool call id alone makes a tool; the conversation id is the session of a root only', () => {
    const root = map({ attributes: { [ATTR_GEN_AI_TOOL_CALL_ID]: 'c1', [ATTR_GEN_AI_CONVERSATION_ID]: 'conv-1' } });
    expect(root.observation.type).toBe('tool-create');
    expect(root.mapped.traces[0]?.body.sessionId).toBe('conv-1');

    const recorder = createRecorder();
    const parent = recorder.start({ name: 'parent' });
    const child = recorder.record({ name: 'child', parent, attributes: { ...CHAT, [ATTR_GEN_AI_CONVERSATION_ID]: 'conv-1' } });
    const mapped = mapSpans([child]);
    expect(mapped.traces).toEqual([]);
    expect(metadataAttributes(observationNamed(mapped, 'child'))).toHaveProperty(ATTR_GEN_AI_CONVERSATION_ID, 'conv-1');
  });

  it('the user mask runs on input and output taken from conventions', () => {
    const span = createRecorder().record({
      attributes: { ...CHAT, [ATTR_GEN_AI_INPUT_MESSAGES]: '[{"role":"user","content":"my secret"}]' },
    });
    const mapped = mapSpans([span], {
      mask: ({ data, field }) => (field === 'input' ? JSON.stringify(data).replace('secret', '***') : data),
    });
    expect(mapped.observations[0]!.body.input).toBe('[{"role":"user","content":"my ***"}]');
  });
});
