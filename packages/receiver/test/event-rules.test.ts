import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/index.js';
import {
  envelope,
  generationCreate,
  observationCreate,
  scoreCreate,
  sdkLog,
  spanCreate,
  traceCreate,
  type JsonObject,
} from './event-builders.js';
import { ingest } from './ingestion-client.js';

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

function without(event: JsonObject, field: string): JsonObject {
  const copy = { ...event };
  delete copy[field];
  return copy;
}

function withoutBodyField(event: JsonObject, field: string): JsonObject {
  return { ...event, body: without(event.body as JsonObject, field) };
}

const long = (length: number): string => 'a'.repeat(length);

describe('a rule violation fails only that event, with a 400 naming the field', () => {
  it.each<[string, JsonObject, string]>([
    ['envelope without id', without(traceCreate(), 'id'), 'id is required'],
    ['envelope id over 800 chars', traceCreate({}, { id: long(801) }), 'id must be at most 800'],
    ['empty envelope id', traceCreate({}, { id: '' }), 'id must not be empty'],
    ['envelope id with \\r', traceCreate({}, { id: 'a\rb' }), 'id must not contain a carriage return'],
    ['timestamp without zone', traceCreate({}, { timestamp: '2024-05-01T10:00:00.000' }), 'timestamp must be an ISO 8601'],
    ['timestamp that is not a date', traceCreate({}, { timestamp: 'yesterday' }), 'timestamp must be an ISO 8601'],
    ['unknown event type', envelope('observation-create', { id: 'x' }), 'type must be one of'],
    ['body that is not an object', envelope('trace-create', 'body' as never), 'body must be object'],
    ['trace without body.id', withoutBodyField(traceCreate(), 'id'), 'body.id is required'],
    ['score without body.id', withoutBodyField(scoreCreate(), 'id'), 'body.id is required'],
    ['span without body.id', withoutBodyField(spanCreate(), 'id'), 'body.id is required'],
    ['sdk-log without body.id', withoutBodyField(sdkLog(), 'id'), 'body.id is required'],
    ['span without traceId', withoutBodyField(spanCreate(), 'traceId'), 'body.traceId is required'],
    ['generation without traceId', withoutBodyField(generationCreate(), 'traceId'), 'body.traceId is required'],
    ['event without traceId', withoutBodyField(observationCreate('event-create'), 'traceId'), 'body.traceId is required'],
    ['agent without traceId', withoutBodyField(observationCreate('agent-create'), 'traceId'), 'body.traceId is required'],
    ['level INFO', spanCreate({ level: 'INFO' }), 'body.level must be one of DEBUG, DEFAULT, WARNING, ERROR'],
    ['level in lower case', spanCreate({ level: 'error' }), 'body.level must be one of'],
    ['promptName without promptVersion', generationCreate({ promptName: 'p' }), 'body.promptVersion is required'],
    ['promptVersion without promptName', generationCreate({ promptVersion: 2 }), 'body.promptName is required'],
    ['promptVersion not an integer', generationCreate({ promptName: 'p', promptVersion: 1.5 }), 'body.promptVersion must be integer'],
    ['promptVersion as a string', generationCreate({ promptName: 'p', promptVersion: '2' }), 'body.promptVersion must be integer'],
    ['modelParameters nested object', generationCreate({ modelParameters: { tools: { a: { b: 1 } } } }), 'body.modelParameters.tools.a'],
    ['modelParameters number array', generationCreate({ modelParameters: { stop: [1, 2] } }), 'body.modelParameters.stop[0]'],
    ['modelParameters not an object', generationCreate({ modelParameters: 'temperature=1' }), 'body.modelParameters must be'],
    ['negative usage', generationCreate({ usageDetails: { input: -1 } }), 'body.usageDetails.input must be >= 0'],
    ['fractional usage', generationCreate({ usageDetails: { input: 1.5 } }), 'body.usageDetails.input must be integer'],
    ['usage as a string', generationCreate({ usageDetails: { input: '10' } }), 'body.usageDetails.input must be integer'],
    ['negative cost', generationCreate({ costDetails: { total: -0.01 } }), 'body.costDetails.total must be >= 0'],
    ['cost as a string', generationCreate({ costDetails: { total: '0.01' } }), 'body.costDetails.total must be number'],
    ['trace name over 1000 chars', traceCreate({ name: long(1001) }), 'body.name must be at most 1000'],
    ['body.id over 800 chars', spanCreate({ id: long(801) }), 'body.id must be at most 800'],
    ['traceId over 800 chars', spanCreate({ traceId: long(801) }), 'body.traceId must be at most 800'],
    ['parentObservationId over 800 chars', spanCreate({ parentObservationId: long(801) }), 'body.parentObservationId'],
    ['startTime without zone', spanCreate({ startTime: '2024-05-01T10:00:00' }), 'body.startTime must be an ISO 8601'],
    ['endTime as epoch millis', spanCreate({ endTime: 1714557600000 }), 'body.endTime must be string'],
    ['impossible completionStartTime', generationCreate({ completionStartTime: '2024-02-30T10:00:00Z' }), 'body.completionStartTime'],
    ['trace timestamp without zone', traceCreate({ timestamp: '2024-05-01 10:00:00' }), 'body.timestamp must be an ISO 8601'],
    ['environment with capitals', traceCreate({ environment: 'Production' }), 'body.environment must be 1..40 characters'],
    ['environment starting with langfuse', spanCreate({ environment: 'langfuse-prod' }), 'not start with "langfuse"'],
    ['environment over 40 chars', generationCreate({ environment: long(41) }), 'body.environment'],
    ['empty environment', scoreCreate({ environment: '' }), 'body.environment'],
    ['tags that are not strings', traceCreate({ tags: ['a', 1] }), 'body.tags[1] must be string'],
    ['score without value', withoutBodyField(scoreCreate(), 'value'), 'body.value is required'],
    ['score on a trace and a session', scoreCreate({ sessionId: 'session-1' }), 'body must NOT be valid'],
    ['numeric score with a text value', scoreCreate({ value: 'x', dataType: 'NUMERIC' }), 'body.value must be number'],
    ['boolean score of 2', scoreCreate({ value: 2, dataType: 'BOOLEAN' }), 'body.value must be one of 0, 1'],
    ['correction score with a number', scoreCreate({ value: 1, dataType: 'CORRECTION' }), 'body.value must be string'],
    ['empty text score', scoreCreate({ value: '', dataType: 'TEXT' }), 'body.value must not be empty'],
    ['text score over 500 chars', scoreCreate({ value: long(501), dataType: 'TEXT' }), 'body.value must be at most 500 characters'],
  ])('%s', async (_name, bad, expected) => {
    const before = traceCreate({ id: 'trace-rules' });
    const after = spanCreate({ traceId: 'trace-rules' });
    const reply = await ingest(receiver, [before, bad, after]);
    expect(reply.successes.map((item) => item.id)).toEqual([before.id, after.id]);
    expect(reply.errors).toHaveLength(1);
    const [error] = reply.errors;
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(expected);
    expect(error?.message).toMatch(/^Invalid request data: /);
    expect(Array.isArray(error?.error)).toBe(true);
    const stored = receiver.events().map((event) => event.id);
    expect(stored).toContain(before.id);
    expect(stored).toContain(after.id);
    if (typeof bad.id === 'string') expect(stored).not.toContain(bad.id);
  });
});

describe('valid shapes are accepted', () => {
  it.each<[string, JsonObject]>([
    ['every modelParameters value shape', generationCreate({
      modelParameters: { temperature: 0.2, model: 'x', stream: false, stop: ['a', 'b'], headers: { a: 'b' }, seed: null },
    })],
    ['OpenAI-shaped usage', generationCreate({
      usageDetails: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 } },
    })],
    ['zero usage and fractional cost', generationCreate({ usageDetails: { input: 0 }, costDetails: { input: 0.000125 } })],
    ['prompt name and version together', generationCreate({ promptName: 'greeting', promptVersion: 3 })],
    ['nulls that clear fields', spanCreate({ level: null, endTime: null, statusMessage: null, parentObservationId: null })],
    ['an offset instead of Z', spanCreate({ startTime: '2024-05-01T12:00:00.123456+02:00' }, { timestamp: '2024-05-01T10:00:00-0130' })],
    ['an environment with digits, _ and -', traceCreate({ environment: 'staging_eu-2' })],
    ['a trace name of exactly 1000 chars', traceCreate({ name: long(1000) })],
    ['ids of exactly 800 chars', spanCreate({ id: long(800), traceId: long(800) }, { id: `e${long(799)}` })],
    ['any JSON as input, output and metadata', spanCreate({ input: [1, { a: null }], output: 'text', metadata: { nested: { deep: [true] } } })],
    ['an extended observation type (guardrail-create)', observationCreate('guardrail-create', { model: 'm', usageDetails: { input: 1 } })],
    ['a categorical score', scoreCreate({ value: 'good', dataType: 'CATEGORICAL' })],
    ['a text score', scoreCreate({ value: 'a free-text remark', dataType: 'TEXT' })],
    ['a correction score', scoreCreate({ value: 'the corrected output', dataType: 'CORRECTION' })],
    ['a boolean score', scoreCreate({ value: 1, dataType: 'BOOLEAN' })],
    ['span-update', observationCreate('span-update', { endTime: '2024-05-01T10:00:02Z' })],
    ['generation-update', observationCreate('generation-update', { usageDetails: { output: 3 } })],
  ])('%s', async (_name, event) => {
    const reply = await ingest(receiver, [event]);
    expect(reply.errors).toEqual([]);
    expect(reply.successes).toEqual([{ id: event.id, status: 201 }]);
  });
});
