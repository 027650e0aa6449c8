import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { CONVENTION_KEY_PREFIXES, isConventionKey } from '../../src/mapping/conventions/registry.js';
import { isKnownLlmScope, isLlmRelatedSpan } from '../../src/mapping/index.js';
import { SpanAttributes } from '../../src/mapping/span-attributes.js';
import { createRecorder, mapSpan } from './span-fixtures.js';

function spanLike(scope: string, attributes: Record<string, unknown> = {}): ReadableSpan {
  return { instrumentationScope: { name: scope }, attributes } as unknown as ReadableSpan;
}

describe('convention detection (the common case skips the convention layer)', () => {
  it('flags only keys of the LLM conventions', () => {
    for (const key of ['gen_ai.request.model', 'ai.model.id', 'llm.model_name', 'openinference.span.kind', 'input.value', 'output.value', 'traceloop.entity.input']) {
      expect(isConventionKey(key), key).toBe(true);
    }
    for (const key of ['http.method', 'aiohttp.x', 'ai', 'gen_ai', 'llmx', 'input.mime_type', 'user.id', 'langfuse.observation.input', '', 'élan']) {
      expect(isConventionKey(key), key).toBe(false);
    }
    expect(CONVENTION_KEY_PREFIXES.every(isConventionKey)).toBe(true);
  });

  it('is decided in the one scan over the keys', () => {
    expect(new SpanAttributes({ 'langfuse.observation.input': '"x"', 'http.method': 'GET' }).hasConventionAttribute).toBe(false);
    expect(new SpanAttributes({ 'http.method': 'GET', 'gen_ai.system': 'openai' }).hasConventionAttribute).toBe(true);
    expect(new SpanAttributes({ 'langfuse.trace.name': 't', 'llm.model_name': 'm' }).hasConventionAttribute).toBe(true);
  });

  it('spans without convention attributes map as before (http attributes stay metadata, span name stays)', () => {
    const { observation } = mapSpan(
      createRecorder().record({ name: 'GET /docs', attributes: { 'http.method': 'GET', 'langfuse.observation.input': '{"q":1}' } }),
    );
    expect(observation.type).toBe('span-create');
    expect(observation.body).toMatchObject({ name: 'GET /docs', input: { q: 1 } });
    expect(observation.body.metadata?.['attributes']).toEqual({ 'http.method': 'GET' });
  });
});

describe('isLlmRelatedSpan', () => {
  it.each([
    ['langfuse-sdk', {}, true],
    ['ai', {}, true],
    ['aiohttp', {}, false],
    ['openinference.instrumentation.langchain', {}, true],
    ['@arizeai/openinference-instrumentation-openai', {}, true],
    ['@traceloop/instrumentation-openai', {}, true],
    ['opentelemetry.instrumentation.openai_v2', {}, true],
    ['opentelemetry.instrumentation.anthropic.messages', {}, true],
    ['opentelemetry.instrumentation.openaix', {}, false],
    ['litellm', {}, true],
    ['strands-agents', {}, true],
    ['@opentelemetry/instrumentation-http', {}, false],
    ['@opentelemetry/instrumentation-http', { 'http.method': 'GET' }, false],
    ['@opentelemetry/instrumentation-http', { 'gen_ai.system': 'openai' }, true],
    ['my-app', { 'langfuse.observation.type': 'span' }, true],
    ['my-app', { 'ai.model.id': 'x' }, false],
    ['', {}, false],
  ])('scope %j with %j → %s', (scope, attributes, expected) => {
    expect(isLlmRelatedSpan(spanLike(scope, attributes))).toBe(expected);
  });

  it('never throws on odd spans', () => {
    expect(isLlmRelatedSpan({ attributes: undefined, instrumentationScope: undefined } as unknown as ReadableSpan)).toBe(false);
    expect(isKnownLlmScope(undefined)).toBe(false);
  });
});

describe('flattened lists and hostile convention attributes', () => {
  it('rebuilds by index order, closes holes, ignores unsafe and malformed keys', () => {
    const { observation, notes } = mapSpan(
      createRecorder().record({
        attributes: {
          'gen_ai.request.model': 'm',
          'gen_ai.prompt.10.role': 'user',
          'gen_ai.prompt.10.content': 'second',
          'gen_ai.prompt.2.role': 'system',
          'gen_ai.prompt.2.content': 'first',
          'gen_ai.prompt.999999999.content': 'last',
          'gen_ai.prompt.3.__proto__.polluted': 'x',
          'gen_ai.prompt.x.content': 'not an index',
          'gen_ai.prompt.4.content': 'a',
          'gen_ai.prompt.4.content.deeper': 'conflict',
        },
      }),
    );
    expect(observation.body.input).toEqual([
      { role: 'system', content: 'first' },
      { content: 'a' },
      { role: 'user', content: 'second' },
      { content: 'last' },
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const leftover = observation.body.metadata?.['attributes'] as Record<string, unknown>;
    expect(Object.keys(leftover).sort()).toEqual([
      'gen_ai.prompt.3.__proto__.polluted',
      'gen_ai.prompt.4.content.deeper',
      'gen_ai.prompt.x.content',
    ]);
    expect(notes).toEqual([]);
  });

  it('wrong-typed convention values are dropped with a note, never thrown', () => {
    const { observation, notes } = mapSpan(
      createRecorder().record({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.response.model': ['a', 'b'],
          'gen_ai.request.model': 'fallback-model',
          'gen_ai.usage.input_tokens': 'lots',
          'gen_ai.usage.output_tokens': 1.5,
          'gen_ai.usage.cost': -1,
          'llm.invocation_parameters': 'not json',
          'ai.response.msToFirstChunk': 'soon',
        },
      }),
    );
    expect(observation.type).toBe('generation-create');
    expect(observation.body.model).toBe('fallback-model');
    expect(observation.body.usageDetails).toBeUndefined();
    expect(observation.body.costDetails).toBeUndefined();
    expect(observation.body.completionStartTime).toBeUndefined();
    expect(notes.map((n) => n.code)).toEqual(expect.arrayContaining(['attribute-type-invalid', 'usage-invalid', 'cost-invalid']));
  });
});
