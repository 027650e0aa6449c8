import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createSpanMapper } from '../../src/mapping/index.js';
import {
  END_ISO,
  REMOTE_PARENT_ID,
  START_ISO,
  TRACE_ID,
  createRecorder,
  endSpan,
  mapSpan,
  noteCodes,
} from './span-fixtures.js';

describe('observation identity and times', () => {
  it('uses the span id, trace id, name and formatted times; envelope id and timestamp are deterministic', () => {
    const span = createRecorder().record({ name: 'fetch-docs' });
    const { spanId, traceId } = span.spanContext();
    const { observation } = mapSpan(span);
    expect(observation.id).toBe(`${spanId}-span-create`);
    expect(observation.timestamp).toBe(END_ISO);
    expect(observation.type).toBe('span-create');
    expect(observation.body).toMatchObject({ id: spanId, traceId, name: 'fetch-docs', startTime: START_ISO, endTime: END_ISO });
  });

  it('maps the same span to identical events every time', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.input': '{"q":1}' }, events: [{ name: 'e' }] });
    const mapper = createSpanMapper({});
    expect(mapper.map(span)).toEqual(mapper.map(span));
    expect(createSpanMapper({}).map(span)).toEqual(mapper.map(span));
  });

  it('sets parentObservationId to a local parent span id', () => {
    const recorder = createRecorder();
    const parent = recorder.start({ name: 'parent' });
    const child = recorder.record({ name: 'child', parent });
    expect(mapSpan(child).observation.body.parentObservationId).toBe(parent.spanContext().spanId);
  });

  it('sets parentObservationId to a remote parent span id', () => {
    const span = createRecorder().record({ parent: { remoteSpanId: REMOTE_PARENT_ID } });
    const { observation } = mapSpan(span);
    expect(observation.body.traceId).toBe(TRACE_ID);
    expect(observation.body.parentObservationId).toBe(REMOTE_PARENT_ID);
  });

  it('has no parentObservationId on a root', () => {
    const { observation } = mapSpan(createRecorder().record());
    expect(observation.body).not.toHaveProperty('parentObservationId');
  });

  it('truncates very long observation names with a note', () => {
    const { observation, notes } = mapSpan(createRecorder().record({ name: 'x'.repeat(3000) }));
    expect(observation.body.name).toHaveLength(1000);
    expect(noteCodes(notes)).toContain('name-truncated');
  });
});

describe('observation type', () => {
  it('defaults to span', () => {
    expect(mapSpan(createRecorder().record()).observation.type).toBe('span-create');
  });

  it('is generation when a model is named and no type is given', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.model.name': 'gpt-4o' } });
    const { observation } = mapSpan(span);
    expect(observation.type).toBe('generation-create');
    expect(observation.id).toBe(`${span.spanContext().spanId}-generation-create`);
    expect(observation.body.model).toBe('gpt-4o');
  });

  it.each(['generation', 'agent', 'tool', 'chain', 'retriever', 'evaluator', 'embedding', 'guardrail'] as const)(
    'the explicit type %s becomes %s-create and keeps generation fields',
    (type) => {
      const span = createRecorder().record({
        attributes: {
          'langfuse.observation.type': type,
          'langfuse.observation.model.name': 'm',
          'langfuse.observation.usage_details': '{"input":1}',
        },
      });
      const { observation, notes } = mapSpan(span);
      expect(observation.type).toBe(`${type}-create`);
      expect(observation.body).toMatchObject({ model: 'm', usageDetails: { input: 1 } });
      expect(notes).toEqual([]);
    },
  );

  it('accepts the type in any case', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.type': 'Tool' } });
    expect(mapSpan(span).observation.type).toBe('tool-create');
  });

  it('an unknown type falls back to generation (model present) or span, with a note', () => {
    const recorder = createRecorder();
    const withModel = mapSpan(
      recorder.record({ attributes: { 'langfuse.observation.type': 'llm', 'langfuse.observation.model.name': 'm' } }),
    );
    expect(withModel.observation.type).toBe('generation-create');
    expect(noteCodes(withModel.notes)).toEqual(['observation-type-invalid']);
    const withoutModel = mapSpan(recorder.record({ attributes: { 'langfuse.observation.type': 'workflow' } }));
    expect(withoutModel.observation.type).toBe('span-create');
    expect(noteCodes(withoutModel.notes)).toEqual(['observation-type-invalid']);
  });

  it('an event-typed span becomes event-create without endTime', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.type': 'event' } });
    const { observation } = mapSpan(span);
    expect(observation.type).toBe('event-create');
    expect(observation.body.startTime).toBe(START_ISO);
    expect(observation.body).not.toHaveProperty('endTime');
  });

  it('drops generation-only fields from span and event observations with a note', () => {
    const span = createRecorder().record({
      attributes: {
        'langfuse.observation.type': 'span',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.usage_details': '{"input":1}',
        'langfuse.observation.prompt.name': 'p',
        'langfuse.observation.prompt.version': 1,
      },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.type).toBe('span-create');
    for (const key of ['model', 'modelParameters', 'usageDetails', 'costDetails', 'promptName', 'promptVersion']) {
      expect(observation.body).not.toHaveProperty(key);
    }
    expect(noteCodes(notes)).toEqual(['generation-fields-dropped']);
    expect(notes[0]?.message).toContain('langfuse.observation.model.name');
  });
});

describe('generation fields', () => {
  it('maps model, parameters, usage, cost, completion start time and prompt', () => {
    const span = createRecorder().record({
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.model.parameters': '{"temperature":0.2,"max_tokens":100}',
        'langfuse.observation.usage_details': '{"input":10,"output":5,"total":15}',
        'langfuse.observation.cost_details': '{"input":0.001,"output":0.002,"total":0.003}',
        'langfuse.observation.completion_start_time': '"2024-05-01T12:00:01.000Z"',
        'langfuse.observation.prompt.name': 'qa',
        'langfuse.observation.prompt.version': '4',
      },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.body).toMatchObject({
      model: 'gpt-4o',
      modelParameters: { temperature: 0.2, max_tokens: 100 },
      usageDetails: { input: 10, output: 5, total: 15 },
      costDetails: { input: 0.001, output: 0.002, total: 0.003 },
      completionStartTime: '2024-05-01T12:00:01.000Z',
      promptName: 'qa',
      promptVersion: 4,
    });
    expect(notes).toEqual([]);
  });

  it('drops a half prompt pair on a real span', () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.observation.model.name': 'm', 'langfuse.observation.prompt.name': 'qa' },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.body).not.toHaveProperty('promptName');
    expect(observation.body).not.toHaveProperty('promptVersion');
    expect(noteCodes(notes)).toEqual(['prompt-incomplete']);
  });

  it('drops invalid usage, cost and model parameters JSON with notes', () => {
    const span = createRecorder().record({
      attributes: {
        'langfuse.observation.model.name': 'm',
        'langfuse.observation.model.parameters': '{bad',
        'langfuse.observation.usage_details': '{bad',
        'langfuse.observation.cost_details': '{bad',
      },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.body).not.toHaveProperty('modelParameters');
    expect(observation.body).not.toHaveProperty('usageDetails');
    expect(observation.body).not.toHaveProperty('costDetails');
    expect(noteCodes(notes)).toEqual(['model-parameters-invalid', 'usage-invalid', 'cost-invalid']);
  });
});

describe('input and output', () => {
  it('parses JSON-string input and output', () => {
    const span = createRecorder().record({
      attributes: {
        'langfuse.observation.input': '{"messages":[{"role":"user","content":"hi"}]}',
        'langfuse.observation.output': '["a","b"]',
      },
    });
    const { observation } = mapSpan(span);
    expect(observation.body.input).toEqual({ messages: [{ role: 'user', content: 'hi' }] });
    expect(observation.body.output).toEqual(['a', 'b']);
  });

  it('keeps plain and invalid-JSON strings as strings', () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.observation.input': 'What is 2+2?', 'langfuse.observation.output': '{"unterminated' },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.body.input).toBe('What is 2+2?');
    expect(observation.body.output).toBe('{"unterminated');
    expect(notes).toEqual([]);
  });

  it('leaves input and output out when absent', () => {
    const { observation } = mapSpan(createRecorder().record());
    expect(observation.body).not.toHaveProperty('input');
    expect(observation.body).not.toHaveProperty('output');
  });
});

describe('level and status message', () => {
  it('uses the explicit level (with aliases)', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.observation.level': 'warn' } });
    expect(mapSpan(span).observation.body.level).toBe('WARNING');
  });

  it('is ERROR for an error status, else DEFAULT', () => {
    const recorder = createRecorder();
    const failed = recorder.record({ status: { code: SpanStatusCode.ERROR, message: 'boom' } });
    expect(mapSpan(failed).observation.body).toMatchObject({ level: 'ERROR', statusMessage: 'boom' });
    const ok = recorder.record({ status: { code: SpanStatusCode.OK } });
    expect(mapSpan(ok).observation.body.level).toBe('DEFAULT');
    expect(mapSpan(ok).observation.body).not.toHaveProperty('statusMessage');
  });

  it('an explicit level wins over the status', () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.observation.level': 'DEBUG' },
      status: { code: SpanStatusCode.ERROR },
    });
    expect(mapSpan(span).observation.body.level).toBe('DEBUG');
  });

  it('an invalid level is noted and the status decides', () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.observation.level': 'SEVERE' },
      status: { code: SpanStatusCode.ERROR },
    });
    const { observation, notes } = mapSpan(span);
    expect(observation.body.level).toBe('ERROR');
    expect(noteCodes(notes)).toEqual(['level-invalid']);
  });

  it('the explicit status message wins over the status message', () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.observation.status_message': 'explicit' },
      status: { code: SpanStatusCode.ERROR, message: 'from status' },
    });
    expect(mapSpan(span).observation.body.statusMessage).toBe('explicit');
  });

  it('falls back to the message of a recorded exception', () => {
    const span = createRecorder().record({
      exception: new TypeError('bad input'),
      status: { code: SpanStatusCode.ERROR },
    });
    expect(mapSpan(span).observation.body).toMatchObject({ level: 'ERROR', statusMessage: 'bad input' });
  });

  it('uses exception.type when the exception has no message', () => {
    const span = createRecorder().record({
      events: [{ name: 'exception', attributes: { 'exception.type': 'TimeoutError' } }],
    });
    expect(mapSpan(span).observation.body.statusMessage).toBe('TimeoutError');
  });
});

describe('version and environment', () => {
  it('version: langfuse.version, else the resource service.version', () => {
    const recorder = createRecorder({ 'service.version': '9.9.9' });
    expect(mapSpan(recorder.record()).observation.body.version).toBe('9.9.9');
    expect(mapSpan(recorder.record({ attributes: { 'langfuse.version': 'v2' } })).observation.body.version).toBe('v2');
  });

  it('has no version when neither is present', () => {
    expect(mapSpan(createRecorder({}).record()).observation.body).not.toHaveProperty('version');
  });

  it('environment: langfuse.environment first', () => {
    const recorder = createRecorder({ 'deployment.environment.name': 'staging' });
    const span = recorder.record({ attributes: { 'langfuse.environment': 'canary' } });
    expect(mapSpan(span, { environment: 'production' }).observation.body.environment).toBe('canary');
  });

  it('environment: then resource deployment.environment.name, then deployment.environment', () => {
    const both = createRecorder({ 'deployment.environment.name': 'staging', 'deployment.environment': 'old' });
    expect(mapSpan(both.record(), { environment: 'production' }).observation.body.environment).toBe('staging');
    const legacy = createRecorder({ 'deployment.environment': 'qa' });
    expect(mapSpan(legacy.record(), { environment: 'production' }).observation.body.environment).toBe('qa');
  });

  it('environment: then the exporter default, else none', () => {
    const span = createRecorder({}).record();
    expect(mapSpan(span, { environment: 'production' }).observation.body.environment).toBe('production');
    expect(mapSpan(span).observation.body).not.toHaveProperty('environment');
  });

  it('environment is normalized; an invalid one is omitted with a note', () => {
    const recorder = createRecorder({});
    const upper = mapSpan(recorder.record({ attributes: { 'langfuse.environment': 'PROD' } }));
    expect(upper.observation.body.environment).toBe('prod');
    expect(noteCodes(upper.notes)).toEqual(['environment-normalized']);
    const invalid = mapSpan(recorder.record({ attributes: { 'langfuse.environment': 'my env' } }), {
      environment: 'production',
    });
    expect(invalid.observation.body).not.toHaveProperty('environment');
    expect(noteCodes(invalid.notes)).toEqual(['environment-invalid']);
  });
});

describe('the exporter default environment', () => {
  it('is normalized once when the mapper is created', () => {
    const notes: string[] = [];
    const mapper = createSpanMapper({ environment: 'Production' }, (n) => notes.push(n.code));
    const recorder = createRecorder({});
    mapper.map(recorder.record());
    mapper.map(recorder.record());
    expect(notes).toEqual(['environment-normalized']);
    expect(mapper.map(recorder.record()).find((e) => e.type === 'span-create')?.body.environment).toBe('production');
  });
});

describe('a span left open stays open', () => {
  it('maps a local parent only once it ended', () => {
    const recorder = createRecorder();
    const parent = recorder.start({ name: 'p' });
    recorder.record({ parent });
    expect(recorder.finished()).toHaveLength(1);
    const ended = endSpan(recorder, parent);
    expect(mapSpan(ended).observation.body.name).toBe('p');
  });
});
