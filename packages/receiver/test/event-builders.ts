// Valid events by default; tests override one field at a time to break a single rule.

export type JsonObject = Record<string, unknown>;

let sequence = 0;

export function uniqueId(prefix: string): string {
  sequence++;
  return `${prefix}-${sequence}`;
}

export function envelope(type: string, body: JsonObject, overrides: JsonObject = {}): JsonObject {
  return { id: uniqueId('evt'), timestamp: new Date().toISOString(), type, body, ...overrides };
}

export function traceCreate(body: JsonObject = {}, overrides: JsonObject = {}): JsonObject {
  return envelope('trace-create', { id: 'trace-1', name: 'my trace', environment: 'production', ...body }, overrides);
}

export function observationCreate(type: string, body: JsonObject = {}, overrides: JsonObject = {}): JsonObject {
  return envelope(
    type,
    {
      id: uniqueId('obs'),
      traceId: 'trace-1',
      name: 'step',
      startTime: '2024-05-01T10:00:00.000Z',
      endTime: '2024-05-01T10:00:01.500Z',
      level: 'DEFAULT',
      ...body,
    },
    overrides,
  );
}

export function spanCreate(body: JsonObject = {}, overrides: JsonObject = {}): JsonObject {
  return observationCreate('span-create', body, overrides);
}

export function generationCreate(body: JsonObject = {}, overrides: JsonObject = {}): JsonObject {
  return observationCreate(
    'generation-create',
    {
      model: 'gpt-4o',
      modelParameters: { temperature: 0.2 },
      usageDetails: { input: 10, output: 5, total: 15 },
      costDetails: { input: 0.0001, output: 0.0002 },
      completionStartTime: '2024-05-01T10:00:00.300Z',
      ...body,
    },
    overrides,
  );
}

export function scoreCreate(body: JsonObject = {}, overrides: JsonObject = {}): JsonObject {
  return envelope('score-create', { id: uniqueId('score'), traceId: 'trace-1', name: 'quality', value: 0.9, ...body }, overrides);
}

export function sdkLog(body: JsonObject = {}): JsonObject {
  return envelope('sdk-log', { id: uniqueId('log'), log: { message: 'hello' }, ...body });
}
