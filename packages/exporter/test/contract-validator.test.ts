import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { loadContract } from '@otel-langfuse/test-support';
import { createSpanMapper, mergeTraceCreates } from '../src/mapping/index.js';
import { makeSpans, remoteParent } from './helpers.js';

const contract = loadContract();

// Guards the cross-check itself: if it accepted everything, every contract assertion in the suite would be empty.
describe.skipIf(!contract)("the OpenAPI contract check (skipped when ../shared/contracts is absent)", () => {
  const valid = {
    id: 'abc-span-create',
    timestamp: '2026-01-01T00:00:00.000000Z',
    type: 'span-create',
    body: { id: 'abc', traceId: 't', name: 'n', startTime: '2026-01-01T00:00:00.000Z', level: 'DEFAULT' },
  };

  it('accepts a well-formed span-create', () => {
    expect(contract!.check(valid)).toEqual([]);
  });

  it('refuses an unknown level', () => {
    expect(contract!.check({ ...valid, body: { ...valid.body, level: 'LOUD' } })).not.toEqual([]);
  });

  it('accepts integer model parameters (a union of primitives is read as any-of, as the server does)', () => {
    const event = { ...valid, type: 'generation-create', body: { ...valid.body, modelParameters: { max_tokens: 100, temperature: 0.5 } } };
    expect(contract!.check(event)).toEqual([]);
    expect(contract!.check({ ...event, body: { ...event.body, modelParameters: { nested: { a: 1 } } } })).not.toEqual([]);
  });

  it('refuses a non-integer promptVersion on a generation', () => {
    const event = { ...valid, type: 'generation-create', body: { ...valid.body, promptName: 'p', promptVersion: 1.5 } };
    expect(contract!.check(event)).not.toEqual([]);
  });

  it('checks extended observation types against the generation body', () => {
    expect(contract!.check({ ...valid, type: 'agent-create', body: { ...valid.body, model: 'm' } })).toEqual([]);
    expect(contract!.check({ ...valid, type: 'tool-create', body: { ...valid.body, costDetails: { total: 'x' } } })).not.toEqual([]);
  });

  it('refuses an envelope without a timestamp', () => {
    const { timestamp: _omit, ...rest } = valid;
    expect(contract!.check(rest)).not.toEqual([]);
  });
});

describe.skipIf(!contract)('every kind of event the mapping produces matches the OpenAPI contract', () => {
  const generation = {
    'langfuse.observation.model.name': 'm',
    'langfuse.observation.model.parameters': '{"temperature":0.1,"stop":["x"],"nested":{"a":1},"flag":true}',
    'langfuse.observation.usage_details': '{"input":1,"output":2,"total":3,"input_cached_tokens":1,"bad":-1}',
    'langfuse.observation.cost_details': '{"total":0.5}',
    'langfuse.observation.completion_start_time': '"2026-01-01T00:00:00.000Z"',
    'langfuse.observation.prompt.name': 'p',
    'langfuse.observation.prompt.version': '3',
  };
  const cases: Record<string, Attributes> = {
    'a plain span': {},
    'a root with every trace field': {
      'langfuse.trace.name': 'n',
      'langfuse.user.id': 'u',
      'langfuse.session.id': 's',
      'langfuse.trace.tags': 'a, b',
      'langfuse.trace.public': true,
      'langfuse.trace.metadata.k': 'v',
      'langfuse.trace.input': '{"q":1}',
      'langfuse.trace.output': 'plain',
      'langfuse.release': 'r',
      'langfuse.version': 'v',
      'langfuse.environment': 'Langfuse-Prod',
    },
    'a generation with every field': generation,
    'an event': { 'langfuse.observation.type': 'event', 'langfuse.observation.level': 'warn' },
    'an invalid level and half a prompt': { 'langfuse.observation.level': 'LOUD', 'langfuse.observation.prompt.name': 'p' },
    ...Object.fromEntries(
      ['agent', 'tool', 'chain', 'retriever', 'evaluator', 'embedding', 'guardrail'].map((type) => [
        `an ${type}`,
        { 'langfuse.observation.type': type, ...generation },
      ]),
    ),
  };

  it.each(Object.entries(cases))('%s', (_name, attributes) => {
    const mapper = createSpanMapper({ environment: 'test' });
    const spans = [...makeSpans(1, attributes), ...makeSpans(1, attributes, remoteParent('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'))];
    const events = mergeTraceCreates(spans.flatMap((span) => mapper.map(span)));
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(contract!.check(event), `${event.type} ${event.id}`).toEqual([]);
  });
});
