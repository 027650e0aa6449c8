import {
  MimeType,
  OpenInferenceSpanKind,
  SemanticConventions as SC,
} from '@arizeai/openinference-semantic-conventions';
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRecorder } from '../mapping/span-fixtures.js';
import { mapSpans, metadataAttributes, observationNamed } from './convention-helpers.js';

/* OpenInference attribute sets, every name taken from its published semantic-conventions package. */

const SCOPE = { name: '@arizeai/openinference-instrumentation-openai', version: '4.2.7' };

function record(name: string, attributes: Attributes, scope: { name: string; version?: string } = SCOPE) {
  return createRecorder({ 'service.name': 'rag-app' }, scope).record({ name, attributes });
}

/** `llm.input_messages.<i>.message.<key>` */
const inputMessage = (i: number, key: string) => `${SC.LLM_INPUT_MESSAGES}.${i}.${key}`;
const outputMessage = (i: number, key: string) => `${SC.LLM_OUTPUT_MESSAGES}.${i}.${key}`;

const LLM_SPAN: Attributes = {
  [SC.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.LLM,
  [SC.LLM_SYSTEM]: 'openai',
  [SC.LLM_PROVIDER]: 'openai',
  [SC.LLM_MODEL_NAME]: 'gpt-4o-mini-2024-07-18',
  [SC.LLM_INVOCATION_PARAMETERS]: '{"temperature":0.2,"max_tokens":256,"response_format":{"type":"text"}}',
  [SC.INPUT_VALUE]: '{"messages":[{"role":"user","content":"Capital of France?"}],"model":"gpt-4o-mini"}',
  [SC.INPUT_MIME_TYPE]: MimeType.JSON,
  [SC.OUTPUT_VALUE]: '{"choices":[{"message":{"role":"assistant","content":"Paris."}}]}',
  [SC.OUTPUT_MIME_TYPE]: MimeType.JSON,
  [inputMessage(0, SC.MESSAGE_ROLE)]: 'user',
  [inputMessage(0, SC.MESSAGE_CONTENT)]: 'Capital of France?',
  [outputMessage(0, SC.MESSAGE_ROLE)]: 'assistant',
  [outputMessage(0, SC.MESSAGE_CONTENT)]: 'Paris.',
  [SC.LLM_TOKEN_COUNT_PROMPT]: 1000,
  [SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ]: 800,
  [SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE]: 50,
  [SC.LLM_TOKEN_COUNT_COMPLETION]: 40,
  [SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING]: 10,
  [SC.LLM_TOKEN_COUNT_TOTAL]: 1040,
  [SC.LLM_COST_TOTAL]: 0.00042,
};

describe('OpenInference spans', () => {
  it('an LLM span: generation with model, parameters, usage split, cost and input/output values', () => {
    const mapped = mapSpans([record('ChatCompletion', LLM_SPAN)]);
    const generation = observationNamed(mapped, 'ChatCompletion');
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({
      name: 'ChatCompletion',
      model: 'gpt-4o-mini-2024-07-18',
      modelParameters: { temperature: 0.2, max_tokens: 256, response_format: '{"type":"text"}' },
      input: { messages: [{ role: 'user', content: 'Capital of France?' }], model: 'gpt-4o-mini' },
      output: { choices: [{ message: { role: 'assistant', content: 'Paris.' } }] },
      usageDetails: {
        input: 150,
        input_cached_tokens: 800,
        input_cache_creation: 50,
        output: 30,
        output_reasoning_tokens: 10,
        total: 1040,
      },
      costDetails: { total: 0.00042 },
    });
    // input.value won; the flattened messages (the same content) are not copied into the metadata.
    expect(metadataAttributes(generation)).toEqual({
      [SC.OPENINFERENCE_SPAN_KIND]: 'LLM',
      [SC.LLM_SYSTEM]: 'openai',
      [SC.LLM_PROVIDER]: 'openai',
    });
  });

  it('flattened llm.input_messages / llm.output_messages become message lists (tool calls and content parts too)', () => {
    const attributes: Attributes = {
      [SC.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.LLM,
      [SC.LLM_MODEL_NAME]: 'claude-sonnet-4',
      [inputMessage(0, SC.MESSAGE_ROLE)]: 'system',
      [inputMessage(0, SC.MESSAGE_CONTENT)]: 'Be brief.',
      [inputMessage(1, SC.MESSAGE_ROLE)]: 'user',
      [inputMessage(1, `${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TYPE}`)]: 'text',
      [inputMessage(1, `${SC.MESSAGE_CONTENTS}.0.${SC.MESSAGE_CONTENT_TEXT}`)]: 'Weather in Paris?',
      [outputMessage(0, SC.MESSAGE_ROLE)]: 'assistant',
      [outputMessage(0, `${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_ID}`)]: 'call-1',
      [outputMessage(0, `${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_NAME}`)]: 'weather',
      [outputMessage(0, `${SC.MESSAGE_TOOL_CALLS}.0.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`)]: '{"city":"Paris"}',
      [SC.LLM_TOKEN_COUNT_PROMPT]: 12,
      [SC.LLM_TOKEN_COUNT_COMPLETION]: 7,
    };
    const generation = observationNamed(mapSpans([record('llm', attributes)]), 'llm');
    expect(generation.body.input).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', contents: [{ type: 'text', text: 'Weather in Paris?' }] },
    ]);
    expect(generation.body.output).toEqual([
      {
        role: 'assistant',
        tool_calls: [{ id: 'call-1', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
    ]);
    expect(generation.body.usageDetails).toEqual({ input: 12, output: 7 });
    expect(Object.keys(metadataAttributes(generation))).toEqual([SC.OPENINFERENCE_SPAN_KIND]);
  });

  it.each([
    [OpenInferenceSpanKind.CHAIN, 'chain-create'],
    [OpenInferenceSpanKind.RETRIEVER, 'retriever-create'],
    [OpenInferenceSpanKind.EMBEDDING, 'embedding-create'],
    [OpenInferenceSpanKind.AGENT, 'agent-create'],
    [OpenInferenceSpanKind.TOOL, 'tool-create'],
    [OpenInferenceSpanKind.GUARDRAIL, 'guardrail-create'],
    [OpenInferenceSpanKind.EVALUATOR, 'evaluator-create'],
    [OpenInferenceSpanKind.RERANKER, 'span-create'],
  ])('span kind %s → %s, with text input/output kept as text', (kind, type) => {
    const observation = observationNamed(
      mapSpans([
        record('step', {
          [SC.OPENINFERENCE_SPAN_KIND]: kind,
          [SC.INPUT_VALUE]: '42',
          [SC.INPUT_MIME_TYPE]: MimeType.TEXT,
          [SC.OUTPUT_VALUE]: '{"documents":3}',
        }),
      ]),
      'step',
    );
    expect(observation.type).toBe(type);
    // text/plain stays text even when it looks like JSON; without a mime type only objects/arrays are parsed.
    expect(observation.body.input).toBe('42');
    expect(observation.body.output).toEqual({ documents: 3 });
  });

  it('user, session and tags on a root become trace fields', () => {
    const mapped = mapSpans([
      record('agent-run', {
        [SC.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.AGENT,
        [SC.USER_ID]: 'user-7',
        [SC.SESSION_ID]: 'session-3',
        [SC.TAG_TAGS]: ['prod', 'rag'],
        [SC.INPUT_VALUE]: 'Plan a trip',
      }),
    ]);
    expect(mapped.traces).toHaveLength(1);
    expect(mapped.traces[0]!.body).toMatchObject({
      name: 'agent-run',
      userId: 'user-7',
      sessionId: 'session-3',
      tags: ['prod', 'rag'],
      input: 'Plan a trip',
    });
    const agent = observationNamed(mapped, 'agent-run');
    expect(agent.type).toBe('agent-create');
    expect(metadataAttributes(agent)).toEqual({ [SC.OPENINFERENCE_SPAN_KIND]: 'AGENT' });
  });

  it('a model name alone (no span kind) still makes a generation', () => {
    const generation = observationNamed(
      mapSpans([record('completion', { [SC.LLM_MODEL_NAME]: 'llama-3', [SC.LLM_TOKEN_COUNT_TOTAL]: 5 }, { name: 'custom' })]),
      'completion',
    );
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({ model: 'llama-3', usageDetails: { total: 5 } });
  });
});
