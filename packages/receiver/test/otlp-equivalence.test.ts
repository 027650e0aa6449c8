import { createSpanMapper, mergeTraceCreates } from '@otel-langfuse/exporter/mapping';
import { describe, expect, it } from 'vitest';
import { startReceiver } from '../src/index.js';
import { exportOtlp } from './otlp-client.js';
import {
  T0,
  TRACE_A,
  TRACE_B,
  jsonToProtobuf,
  simpleSpan,
  spanId,
  toOtlpJson,
  toOtlpJsonText,
  toOtlpProtobuf,
  toReadableSpans,
  type PayloadSpec,
} from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';
import { asLegacyTableTraceCreate } from '../src/otlp/legacy-table-trace-update.js';

/** What the exporter's legacy path would send for these spans in one batch. */
function expectedEvents(payload: PayloadSpec): unknown[] {
  const mapper = createSpanMapper({});
  // The server keeps no span events on OTLP: only each span's own observation (and trace-creates).
  return mergeTraceCreates(
    toReadableSpans(payload).flatMap((span) => mapper
        .map(span)
        .filter((event) => event.type !== 'event-create' || event.body.id === span.spanContext().spanId)
        // A v3 server stamps trace-creates with the span's start and makes children's trace-creates whole updates.
        .map((event) => asLegacyTableTraceCreate(event, span.parentSpanContext === undefined))),
  );
}

function richPayload(): PayloadSpec {
  const root = simpleSpan({
    name: 'handle request',
    kind: 1,
    start: T0 + 1_000_001n,
    end: T0 + 9_999_999_999n,
    attributes: {
      'langfuse.trace.name': 'checkout',
      'langfuse.user.id': 'user-7',
      'langfuse.session.id': 'session-1',
      'langfuse.trace.tags': ['a', 'b'],
      'langfuse.trace.metadata.plan': 'pro',
      'langfuse.observation.input': '{"question":"why?"}',
      'http.status_code': 200,
      ratio: 0.25,
      flag: true,
      'many.numbers': [1, 2.5, null],
      'many.flags': [true, false],
    },
  });
  const generation = simpleSpan({
    name: 'llm',
    kind: 2,
    parentSpanId: root.spanId,
    start: T0 + 2_000_000_999n,
    end: T0 + 3_000_000_001n,
    attributes: {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4o',
      'langfuse.observation.usage_details': '{"input":12,"output":3}',
      'langfuse.observation.cost_details': '{"total":0.0012}',
      'langfuse.observation.completion_start_time': '"2024-05-01T12:00:02.500000Z"',
      'langfuse.observation.prompt.name': 'greeting',
      'langfuse.observation.prompt.version': 2,
      'langfuse.observation.level': 'WARNING',
    },
    events: [
      { name: 'chunk', time: T0 + 2_500_000_500n, attributes: { size: 10 } },
      { name: 'exception', time: T0 + 2_600_000_000n, attributes: { 'exception.message': 'boom' } },
    ],
    status: { code: 2, message: 'failed' },
  });
  const agent = simpleSpan({ name: 'agent', parentSpanId: root.spanId, attributes: { 'langfuse.observation.type': 'agent' } });
  const pointEvent = simpleSpan({ name: 'mark', parentSpanId: agent.spanId, attributes: { 'langfuse.observation.type': 'event' } });
  // A local root continuing a trace from another process, and a span whose parent is in another request.
  const remoteChild = simpleSpan({ traceId: TRACE_B, name: 'remote child', parentSpanId: spanId(), parentIsRemote: true });
  const orphan = simpleSpan({ traceId: TRACE_B, name: 'orphan', parentSpanId: spanId() });
  return {
    resource: { 'service.name': 'shop', 'service.version': '2.0.0', 'deployment.environment.name': 'staging' },
    scope: { name: 'shop-tracer', version: '0.3.0' },
    spans: [generation, pointEvent, agent, root, remoteChild, orphan],
  };
}

describe('OTLP spans become the events the exporter mapping gives for the same spans', () => {
  const receiver = useReceiver();

  it.each([
    ['protobuf', (payload: PayloadSpec) => toOtlpProtobuf(payload)],
    ['json', (payload: PayloadSpec) => toOtlpJsonText(payload)],
  ] as const)('over %s: same ids, parents, types, times and fields', async (format, encode) => {
    const payload = richPayload();
    await exportOtlp(receiver(), encode(payload), { format });
    const expected = expectedEvents(payload);
    expect(receiver().events()).toEqual(expected);

    // Spot checks, so a mapping change that breaks both sides alike still shows up here.
    const byId = new Map(receiver().events().map((event) => [event.body.id, event]));
    const [generation, pointEvent, agent, root, remoteChild, orphan] = payload.spans;
    expect(byId.get(generation?.spanId ?? '')?.type).toBe('generation-create');
    expect(byId.get(generation?.spanId ?? '')?.body).toMatchObject({
      parentObservationId: root?.spanId,
      startTime: '2024-05-01T12:00:02.000000Z',
      endTime: '2024-05-01T12:00:03.000000Z',
      statusMessage: 'failed',
      environment: 'staging',
    });
    expect(byId.get(agent?.spanId ?? '')?.type).toBe('agent-create');
    expect(byId.get(pointEvent?.spanId ?? '')?.type).toBe('event-create');
    expect(byId.get(root?.spanId ?? '')?.body).toMatchObject({ startTime: '2024-05-01T12:00:00.001000Z', endTime: '2024-05-01T12:00:09.999999Z' });
    expect(byId.get(remoteChild?.spanId ?? '')?.body.parentObservationId).toBe(payload.spans[4]?.parentSpanId);
    expect(byId.get(orphan?.spanId ?? '')?.body.parentObservationId).toBe(payload.spans[5]?.parentSpanId);
    const traces = receiver().eventsOfType('trace-create').map((event) => event.body.id);
    expect(traces.sort()).toEqual([TRACE_A, TRACE_B].sort());
    expect(receiver().stats().otlpMappingErrors).toBe(0);
  });

  it('stores the same events whichever OTLP encoding delivered them', async () => {
    const payload = richPayload();
    const other = await startReceiver();
    try {
      await exportOtlp(receiver(), toOtlpProtobuf(payload));
      await exportOtlp(other, toOtlpJsonText(payload), { format: 'json', gzip: true });
      expect(other.events()).toEqual(receiver().events());
    } finally {
      await other.close();
    }
  });

  it('keeps nanosecond-exact times from decimal strings and from JSON numbers alike', async () => {
    const span = simpleSpan({ start: T0 + 999_999n, end: T0 + 1_000_999n });
    const json = toOtlpJson({ spans: [span] });
    const text = JSON.stringify(json).replace(/"(\d{19})"/g, '$1');
    expect(text).toContain(`"startTimeUnixNano":${T0 + 999_999n}`);
    await exportOtlp(receiver(), text, { format: 'json' });
    const [observation] = receiver().eventsOfType('span-create');
    // 1714564800000999999 is not a safe integer: JSON.parse rounds it to ...001000000, so only whole
    // microseconds survive a JSON number; a decimal string keeps every digit.
    expect(observation?.body.startTime).toMatch(/^2024-05-01T12:00:00\.00\d{4}Z$/);
    receiver().reset();
    await exportOtlp(receiver(), jsonToProtobuf(json));
    expect(receiver().eventsOfType('span-create')[0]?.body).toMatchObject({
      startTime: '2024-05-01T12:00:00.000999Z',
      endTime: '2024-05-01T12:00:00.001000Z',
    });
  });

  it('turns values an SDK span cannot hold into strings: key-value lists and mixed arrays as JSON, bytes as base64', async () => {
    const span = simpleSpan({ name: 'odd values' });
    const json = toOtlpJson({ spans: [span] });
    const spanJson = (json.resourceSpans[0] as { scopeSpans: { spans: { attributes: object[] }[] }[] }).scopeSpans[0]?.spans[0];
    spanJson?.attributes.push(
      { key: 'headers', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }, { key: 'b', value: { arrayValue: { values: [{ boolValue: true }] } } }] } } },
      { key: 'raw', value: { bytesValue: Buffer.from('hi').toString('base64') } },
      { key: 'mixed', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }] } } },
      { key: 'huge', value: { intValue: '1152921504606846976' } },
      { key: 'unset', value: {} },
    );
    for (const [index, body] of [JSON.stringify(json), jsonToProtobuf(json)].entries()) {
      receiver().reset();
      await exportOtlp(receiver(), body, { format: index === 0 ? 'json' : 'protobuf' });
      const metadata = receiver().eventsOfType('span-create')[0]?.body.metadata as { attributes: Record<string, unknown> };
      expect(metadata.attributes).toEqual({
        headers: '{"a":1,"b":[true]}',
        raw: 'aGk=',
        mixed: '["x",2]',
        huge: 2 ** 60,
      });
    }
  });
});
