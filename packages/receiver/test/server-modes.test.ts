import { createSpanMapper, mergeTraceCreates } from '@otel-langfuse/exporter/mapping';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/index.js';
import { generationCreate, observationCreate, scoreCreate, sdkLog, spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { exportOtlp, postOtlp } from './otlp-client.js';
import { simpleSpan, toOtlpJsonText, toOtlpProtobuf, toReadableSpans, type PayloadSpec } from './otlp-payloads.js';

const EXTENDED = ['agent', 'tool', 'chain', 'retriever', 'evaluator', 'embedding', 'guardrail'];

describe('server modes', () => {
  let receiver: Receiver | undefined;

  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('v4-events-only refuses trace and observation events per event, and accepts scores and sdk-logs', async () => {
    receiver = await startReceiver({ mode: 'v4-events-only' });
    const refused = [
      traceCreate(),
      spanCreate(),
      generationCreate(),
      observationCreate('event-create'),
      observationCreate('agent-create'),
      observationCreate('span-update'),
    ];
    const accepted = [scoreCreate(), sdkLog()];
    const reply = await ingest(receiver, [...refused, ...accepted]);
    expect(reply.errors.map((item) => [item.id, item.status, item.message])).toEqual(
      refused.map((event) => [event.id, 400, 'Event type not accepted']),
    );
    expect(reply.errors.every((item) => typeof item.error === 'string')).toBe(true);
    expect(reply.successes.map((item) => item.id)).toEqual(accepted.map((event) => event.id));
    expect(receiver.events()).toEqual(accepted);
  });

  it('v4-events-only still validates the events it accepts', async () => {
    receiver = await startReceiver({ mode: 'v4-events-only' });
    const reply = await ingest(receiver, [scoreCreate({ environment: 'langfuse' })]);
    expect(reply.errors[0]?.message).toContain('body.environment');
  });

  it('v4-events-only reports a v4 version on the health endpoint', async () => {
    receiver = await startReceiver({ mode: 'v4-events-only' });
    const health = (await (await fetch(`${receiver.url}/api/public/health`)).json()) as { version: string };
    expect(health.version).toMatch(/^4\./);
  });

  it('accepts the extended observation types by default', async () => {
    receiver = await startReceiver();
    const events = EXTENDED.map((type) => observationCreate(`${type}-create`));
    const reply = await ingest(receiver, events);
    expect(reply.errors).toEqual([]);
    expect(receiver.events()).toHaveLength(EXTENDED.length);
  });

  it('with extendedObservationTypes false refuses each extended type with a per-event 400', async () => {
    receiver = await startReceiver({ extendedObservationTypes: false });
    const extended = EXTENDED.map((type) => observationCreate(`${type}-create`));
    const span = spanCreate();
    const reply = await ingest(receiver, [...extended, span]);
    expect(reply.errors.map((item) => [item.id, item.status])).toEqual(extended.map((event) => [event.id, 400]));
    expect(reply.errors[0]?.message).toContain('agent-create');
    expect(reply.successes).toEqual([{ id: span.id, status: 201 }]);
    expect(receiver.events()).toEqual([span]);
    const health = (await (await fetch(`${receiver.url}/api/public/health`)).json()) as { version: string };
    expect(health.version).toBe('3.98.0');
  });
});

describe('server modes and the two ingestion paths', () => {
  let receiver: Receiver | undefined;

  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  async function healthVersion(target: Receiver): Promise<string> {
    return ((await (await fetch(`${target.url}/api/public/health`)).json()) as { version: string }).version;
  }

  /** The legacy events the exporter would send for a root and a child span. */
  function spansAndEvents(): { payload: PayloadSpec; events: unknown[] } {
    const root = simpleSpan({ name: 'root' });
    const payload = { spans: [root, simpleSpan({ name: 'child', parentSpanId: root.spanId })] };
    const mapper = createSpanMapper({});
    return { payload, events: mergeTraceCreates(toReadableSpans(payload).flatMap((span) => mapper.map(span))) };
  }

  it.each([
    ['v2', '2.95.0'],
    ['v3', '3.99.0'],
    ['v4-events-only', '4.0.0'],
    ['cloud', '4.0.0'],
  ] as const)('%s reports version %s on the health endpoint', async (mode, version) => {
    receiver = await startReceiver({ mode });
    expect(await healthVersion(receiver)).toBe(version);
  });

  it('v2 has no OTLP endpoint (404, even with valid credentials) and no extended observation types', async () => {
    receiver = await startReceiver({ mode: 'v2' });
    receiver.faults.push({ status: 503 });
    const otlp = await postOtlp(receiver, toOtlpProtobuf(spansAndEvents().payload));
    expect(otlp.status).toBe(404);
    // The 404 is not an ingestion request: the fault step is still there for the next one.
    expect(receiver.faults.pending()).toBe(1);
    expect(receiver.stats().otlpRequests).toBe(0);
    receiver.faults.clear();

    const agent = observationCreate('agent-create');
    const span = spanCreate();
    const reply = await ingest(receiver, [agent, span]);
    expect(reply.errors.map((item) => [item.id, item.status])).toEqual([[agent.id, 400]]);
    expect(reply.successes).toEqual([{ id: span.id, status: 201 }]);
  });

  it('v3 accepts traces on both paths, and both give the same stored traces', async () => {
    receiver = await startReceiver({ mode: 'v3' });
    const { payload, events } = spansAndEvents();
    const legacy = await ingest(receiver, events);
    expect(legacy.errors).toEqual([]);
    const viaLegacy = receiver.traces();
    receiver.reset();
    await exportOtlp(receiver, toOtlpProtobuf(payload));
    expect(receiver.traces()).toEqual(viaLegacy);
    expect(receiver.requests().map((record) => [record.endpoint, record.status])).toEqual([['otlp', 200]]);
  });

  it.each(['v4-events-only', 'cloud'] as const)(
    '%s refuses the trace on the legacy path per event, then takes it over OTLP, each event stored once',
    async (mode) => {
      receiver = await startReceiver({ mode });
      const { payload, events } = spansAndEvents();
      const legacy = await ingest(receiver, events);
      expect(legacy.successes).toEqual([]);
      expect(legacy.errors.map((item) => [item.status, item.message])).toEqual(events.map(() => [400, 'Event type not accepted']));
      expect(String(legacy.errors[0]?.error)).toContain(mode === 'cloud' ? 'Langfuse Cloud' : 'v4');
      expect(receiver.events()).toEqual([]);

      await exportOtlp(receiver, toOtlpProtobuf(payload));
      await exportOtlp(receiver, toOtlpJsonText(payload), { format: 'json' });
      expect(receiver.events()).toEqual(events);
      expect(receiver.stats()).toMatchObject({ duplicateEnvelopeIds: events.length, otlpRequests: 2, otlpSpans: 4 });
      expect(receiver.requests().map((record) => [record.endpoint, record.status])).toEqual([
        ['ingestion', 207],
        ['otlp', 200],
        ['otlp', 200],
      ]);
    },
  );

  it('cloud counts OTLP requests without x-langfuse-ingestion-version: 4 but accepts them', async () => {
    receiver = await startReceiver({ mode: 'cloud' });
    const body = toOtlpProtobuf(spansAndEvents().payload);
    expect((await postOtlp(receiver, body, { ingestionVersion: null })).status).toBe(200);
    expect((await postOtlp(receiver, body)).status).toBe(200);
    expect(receiver.stats().otlpWithoutIngestionVersion).toBe(1);
  });

  it.each(['v2', 'v3', 'v4-events-only', 'cloud'] as const)('%s stores score-create events, readable with eventsOfType', async (mode) => {
    receiver = await startReceiver({ mode });
    const scores = [scoreCreate(), scoreCreate({ value: 'good', dataType: 'CATEGORICAL' })];
    const reply = await ingest(receiver, [...scores, sdkLog()]);
    expect(reply.errors).toEqual([]);
    expect(receiver.eventsOfType('score-create')).toEqual(scores);
    expect(receiver.eventsOfType('trace-create')).toEqual([]);
  });
});
