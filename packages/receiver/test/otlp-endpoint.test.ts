import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type BatchSummary } from '../src/index.js';
import { otlpMessageTypes } from '../src/otlp/otlp-schema.js';
import { basicAuth } from './ingestion-client.js';
import { OTLP, exportOtlp, postOtlp } from './otlp-client.js';
import {
  TRACE_A,
  TRACE_B,
  jsonToProtobuf,
  simpleSpan,
  spanId,
  toOtlpJson,
  toOtlpJsonText,
  toOtlpProtobuf,
  type PayloadSpec,
} from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';

const SECRET = 'sk-lf-otlp-secret-0123456789';

function rootAndChild(): PayloadSpec {
  const root = simpleSpan({ name: 'root' });
  const child = simpleSpan({ name: 'child', parentSpanId: root.spanId });
  return { spans: [root, child] };
}

async function message(response: Response): Promise<string> {
  return ((await response.json()) as { message: string }).message;
}

describe('POST /api/public/otel/v1/traces', () => {
  let batches: BatchSummary[];
  beforeEach(() => {
    batches = [];
  });
  const receiver = useReceiver({ publicKey: 'pk-lf-otlp', secretKey: SECRET, onBatch: (summary) => batches.push(summary) });

  it('accepts protobuf: 200 with an empty protobuf ExportTraceServiceResponse, and stores the mapped events', async () => {
    const payload = rootAndChild();
    const response = await postOtlp(receiver(), toOtlpProtobuf(payload));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await response.arrayBuffer()).byteLength).toBe(0);

    const [root, child] = payload.spans;
    const types = receiver().events().map((event) => [event.type, event.body.id]);
    expect(types).toContainEqual(['trace-create', TRACE_A]);
    expect(types).toContainEqual(['span-create', root?.spanId]);
    expect(types).toContainEqual(['span-create', child?.spanId]);
    const childEvent = receiver().events().find((event) => event.body.id === child?.spanId);
    expect(childEvent?.body.parentObservationId).toBe(root?.spanId);
    expect(childEvent?.body.startTime).toBe('2024-05-01T12:00:00.123456Z');
    expect(childEvent?.body.endTime).toBe('2024-05-01T12:00:02.500000Z');

    expect(receiver().stats()).toMatchObject({ otlpRequests: 1, otlpSpans: 2, otlpMappingErrors: 0, otlpWithoutIngestionVersion: 0 });
    const [record] = receiver().requests();
    expect(record).toMatchObject({ endpoint: 'otlp', path: OTLP, status: 200, spanCount: 2, ingestionVersion: '4' });
    expect(record?.eventCount).toBe(receiver().events().length);
    expect(batches).toEqual([
      expect.objectContaining({ path: 'otlp', spans: 2, received: receiver().events().length, rejected: 0 }),
    ]);
  });

  it('accepts OTLP/JSON: 200 with {} as JSON', async () => {
    const response = await postOtlp(receiver(), toOtlpJsonText(rootAndChild()), { format: 'json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({});
    expect(receiver().events().filter((event) => event.type === 'span-create')).toHaveLength(2);
  });

  it.each([
    ['protobuf', (payload: PayloadSpec) => toOtlpProtobuf(payload)],
    ['json', (payload: PayloadSpec) => toOtlpJsonText(payload)],
  ] as const)('accepts a gzipped %s body', async (format, encode) => {
    const payload = rootAndChild();
    await exportOtlp(receiver(), encode(payload), { format, gzip: true });
    expect(receiver().events().map((event) => event.body.id)).toEqual(
      expect.arrayContaining(payload.spans.map((span) => span.spanId)),
    );
    // bytesReceived counts the body as sent: the compressed size.
    const raw = encode(payload);
    expect(receiver().stats().bytesReceived).toBe(gzipSync(typeof raw === 'string' ? Buffer.from(raw) : raw).length);
  });

  it('answers 401 without credentials or with a wrong secret, and stores nothing', async () => {
    const body = toOtlpProtobuf(rootAndChild());
    const missing = await fetch(`${receiver().url}${OTLP}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    expect(missing.status).toBe(401);
    const wrong = await postOtlp(receiver(), body, { headers: { authorization: basicAuth('pk-lf-otlp', 'sk-wrong') } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(SECRET);
    const bearer = await postOtlp(receiver(), body, { headers: { authorization: 'Bearer pk-lf-otlp' } });
    expect(bearer.status).toBe(401);
    expect(receiver().events()).toEqual([]);
    expect(receiver().stats().otlpSpans).toBe(0);
  });

  it('answers 415 for another content type or content encoding', async () => {
    const body = toOtlpProtobuf(rootAndChild());
    const text = await postOtlp(receiver(), body, { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(await message(text)).toMatch(/application\/x-protobuf/);
    const grpc = await postOtlp(receiver(), body, { headers: { 'content-type': 'application/grpc' } });
    expect(grpc.status).toBe(415);
    const brotli = await postOtlp(receiver(), body, { headers: { 'content-encoding': 'br' } });
    expect(brotli.status).toBe(415);
    expect(await message(brotli)).toMatch(/Content-Encoding/);
    expect(receiver().events()).toEqual([]);
  });

  it('accepts a content type with parameters', async () => {
    const response = await postOtlp(receiver(), toOtlpJsonText(rootAndChild()), {
      format: 'json',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(200);
  });

  it('answers 405 with Allow for other methods', async () => {
    const response = await fetch(`${receiver().url}${OTLP}`, { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['an all-zero span id', { spanId: '0000000000000000' }, /span id/],
    ['a short span id', { spanId: 'abcdef' }, /span id/],
    ['an all-zero trace id', { traceId: '00000000000000000000000000000000' }, /trace id/],
    ['a 15-byte trace id', { traceId: TRACE_A.slice(2) }, /trace id/],
    ['a non-hex trace id (JSON)', { traceId: 'z'.repeat(32) }, /trace id/],
    ['a malformed parent span id', { parentSpanId: 'abc' }, /parent span id/],
  ])('answers 400 for the whole request for %s, in JSON and protobuf', async (_name, bad, expected) => {
    const good = simpleSpan({ name: 'good' });
    const payload = { spans: [good, simpleSpan({ name: 'bad', ...bad })] };
    const json = await postOtlp(receiver(), toOtlpJsonText(payload), { format: 'json' });
    expect(json.status).toBe(400);
    expect(await message(json)).toMatch(expected);
    if (!/z/.test(JSON.stringify(bad))) {
      const protobuf = await postOtlp(receiver(), toOtlpProtobuf(payload));
      expect(protobuf.status).toBe(400);
      expect(await message(protobuf)).toMatch(expected);
    }
    expect(receiver().events()).toEqual([]);
    expect(receiver().stats().otlpSpans).toBe(0);
  });

  it('answers 400 for a span without any id', async () => {
    const json = toOtlpJson({ spans: [simpleSpan()] });
    const span = (json.resourceSpans[0] as { scopeSpans: { spans: Record<string, unknown>[] }[] }).scopeSpans[0]?.spans[0];
    delete span?.spanId;
    expect((await postOtlp(receiver(), JSON.stringify(json), { format: 'json' })).status).toBe(400);
    expect((await postOtlp(receiver(), jsonToProtobuf(json))).status).toBe(400);
  });

  it.each([
    ['bytes that are not protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf', /Invalid protobuf/],
    ['JSON that does not parse', '{"resourceSpans": [', 'json', /Invalid JSON/],
    ['a JSON array', '[]', 'json', /ExportTraceServiceRequest/],
    ['resourceSpans that is not an array', '{"resourceSpans": {}}', 'json', /resourceSpans must be an array/],
    [
      'a span name that is a number',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}',
      'json',
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name must be a string/,
    ],
    [
      'a start time that is not an integer',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"12.5"}]}]}]}',
      'json',
      /startTimeUnixNano must be a non-negative integer/,
    ],
  ] as const)('answers 400 naming the problem for %s', async (_name, body, format, expected) => {
    const response = await postOtlp(receiver(), body, { format });
    expect(response.status).toBe(400);
    expect(await message(response)).toMatch(expected);
  });

  it('answers 400 for a body that says gzip but is not', async () => {
    const response = await postOtlp(receiver(), toOtlpProtobuf(rootAndChild()), { headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(400);
    expect(await message(response)).toMatch(/gzip/);
  });

  it('accepts an empty request', async () => {
    expect((await postOtlp(receiver(), new Uint8Array(0))).status).toBe(200);
    expect((await postOtlp(receiver(), '{}', { format: 'json' })).status).toBe(200);
    expect(receiver().events()).toEqual([]);
  });

  it('counts and records requests without x-langfuse-ingestion-version: 4', async () => {
    const body = toOtlpProtobuf(rootAndChild());
    await exportOtlp(receiver(), body, { ingestionVersion: null });
    await exportOtlp(receiver(), body, { ingestionVersion: '3' });
    await exportOtlp(receiver(), body);
    expect(receiver().stats().otlpWithoutIngestionVersion).toBe(2);
    expect(receiver().requests().map((record) => record.ingestionVersion)).toEqual([undefined, '3', '4']);
  });

  it('stores a re-sent span once and counts the duplicates', async () => {
    const body = toOtlpProtobuf(rootAndChild());
    await exportOtlp(receiver(), body);
    const stored = receiver().events().length;
    await exportOtlp(receiver(), body);
    expect(receiver().events()).toHaveLength(stored);
    expect(receiver().stats().duplicateEnvelopeIds).toBe(stored);
    expect(receiver().stats().otlpSpans).toBe(4);
  });

  it('keeps a span whose parent was not sent as a child of that parent, with no trace-create', async () => {
    const missingParent = spanId();
    const orphan = simpleSpan({ traceId: TRACE_B, parentSpanId: missingParent });
    await exportOtlp(receiver(), toOtlpProtobuf({ spans: [orphan] }));
    expect(receiver().events()).toEqual([
      expect.objectContaining({ type: 'span-create', body: expect.objectContaining({ id: orphan.spanId, parentObservationId: missingParent }) }),
    ]);
  });

  it('treats an all-zero parent span id as no parent', async () => {
    const root = simpleSpan({ traceId: TRACE_B, parentSpanId: '0000000000000000' });
    await exportOtlp(receiver(), toOtlpJsonText({ spans: [root] }), { format: 'json' });
    const observation = receiver().eventsOfType('span-create')[0];
    expect(observation?.body.parentObservationId).toBeUndefined();
    expect(receiver().eventsOfType('trace-create').map((event) => event.body.id)).toEqual([TRACE_B]);
  });

  it('merges the trace-creates of one request into one per trace', async () => {
    const root = simpleSpan({ name: 'root', attributes: { 'langfuse.trace.name': 'named' } });
    const child = simpleSpan({ parentSpanId: root.spanId, attributes: { 'langfuse.user.id': 'user-1' } });
    await exportOtlp(receiver(), toOtlpProtobuf({ spans: [child, root] }));
    const traces = receiver().eventsOfType('trace-create');
    expect(traces).toHaveLength(1);
    expect(traces[0]?.body).toMatchObject({ id: TRACE_A, name: 'named', userId: 'user-1' });
  });

  it('maps error status and generation attributes through the exporter mapping, and keeps no span events (as the server)', async () => {
    const span = simpleSpan({
      name: 'llm call',
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.usage_details': '{"input":10,"output":5}',
        'langfuse.observation.model.parameters': '{"temperature":0.5}',
      },
      events: [{ name: 'first token', time: simpleSpan().start + 1_000n, attributes: { index: 0 } }],
      status: { code: 2, message: 'rate limited' },
    });
    await exportOtlp(receiver(), toOtlpProtobuf({ spans: [span] }));
    const [generation] = receiver().eventsOfType('generation-create');
    expect(generation?.body).toMatchObject({
      id: span.spanId,
      model: 'gpt-4o',
      usageDetails: { input: 10, output: 5 },
      modelParameters: { temperature: 0.5 },
      level: 'ERROR',
      statusMessage: 'rate limited',
    });
    expect(receiver().eventsOfType('event-create')).toEqual([]);
  });

  it('calls onEvent for every mapped event', async () => {
    const outcomes: [string, boolean][] = [];
    const observed = await startReceiver({
      onEvent: (event, outcome) => outcomes.push([(event as { type: string }).type, outcome.accepted]),
    });
    try {
      await exportOtlp(observed, toOtlpProtobuf(rootAndChild()));
      expect(outcomes).toEqual([
        ['trace-create', true],
        ['span-create', true],
        ['span-create', true],
      ]);
    } finally {
      await observed.close();
    }
  });
});

describe('OTLP body size limits', () => {
  const receiver = useReceiver({ maxBodyBytes: 4000 });

  it('answers 413 plain text for a body over maxBodyBytes, then serves the next request', async () => {
    const big = toOtlpProtobuf({ spans: [simpleSpan({ attributes: { 'langfuse.observation.input': 'x'.repeat(5000) } })] });
    const response = await postOtlp(receiver(), big);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toContain('4000');
    expect(receiver().events()).toEqual([]);
    expect((await postOtlp(receiver(), toOtlpProtobuf(rootAndChild()))).status).toBe(200);
  });

  it('answers 413 for a gzipped body that is small but decompresses to more than maxBodyBytes', async () => {
    const big = toOtlpProtobuf({ spans: [simpleSpan({ attributes: { 'langfuse.observation.input': 'x'.repeat(20_000) } })] });
    expect(gzipSync(big).length).toBeLessThan(4000);
    const response = await postOtlp(receiver(), big, { gzip: true });
    expect(response.status).toBe(413);
    expect(receiver().events()).toEqual([]);
    // Just under the limit once decompressed: accepted.
    const fits = toOtlpProtobuf({ spans: [simpleSpan({ attributes: { 'langfuse.observation.input': 'x'.repeat(3000) } })] });
    expect(fits.length).toBeLessThan(4000);
    expect((await postOtlp(receiver(), fits, { gzip: true })).status).toBe(200);
  });
});

describe('ExportTraceServiceResponse', () => {
  it('encodes partial_success as field 1 with rejected_spans = 1 and error_message = 2, as in trace_service.proto', () => {
    const { response } = otlpMessageTypes();
    const bytes = response.encode(response.fromObject({ partialSuccess: { rejectedSpans: 2, errorMessage: 'x' } })).finish();
    // 0a 05 (field 1, 5 bytes) { 08 02 (field 1 varint 2), 12 01 78 (field 2, "x") }
    expect(Buffer.from(bytes).toString('hex')).toBe('0a050802120178');
  });
});
