import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleTrace, startReceiver, type AssembledTrace, type Receiver, type TraceSummary } from '../src/index.js';
import { ingest } from './ingestion-client.js';
import { postOtlp } from './otlp-client.js';
import { TRACE_B, T0, simpleSpan, toOtlpProtobuf } from './otlp-payloads.js';
import { at, sampleTraceEvents, stored } from './trace-events.js';

describe('trace view: receiver and read API', () => {
  let receiver: Receiver;
  const sample = sampleTraceEvents('api-sample');
  const otlpRoot = simpleSpan({ traceId: TRACE_B, name: 'otlp-root', start: T0, end: T0 + 2_000_000_000n });
  const otlpChild = simpleSpan({
    traceId: TRACE_B,
    parentSpanId: otlpRoot.spanId,
    name: 'otlp-child',
    start: T0 + 500_000_000n,
    end: T0 + 1_500_000_000n,
    attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.model.name': 'm-1' },
  });

  beforeAll(async () => {
    receiver = await startReceiver();
    await ingest(receiver, sample);
    expect((await postOtlp(receiver, toOtlpProtobuf({ spans: [otlpChild, otlpRoot] }))).status).toBe(200);
    await ingest(receiver, [
      stored('trace-create', { id: 'with/slash and space', name: 'odd id' }),
      stored('score-create', { id: 'lonely-score', traceId: 'no-such-trace', name: 'x', value: 1 }),
    ]);
  });

  afterAll(async () => {
    await receiver.close();
  });

  async function getJson(path: string, status = 200): Promise<unknown> {
    const response = await fetch(`${receiver.url}${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return response.json();
  }

  it('assembles traces on the receiver object, as assembleTrace does on the stored events', () => {
    expect(receiver.traces().map((trace) => trace.id)).toEqual(['api-sample', TRACE_B, 'with/slash and space']);
    expect(receiver.trace('api-sample')).toEqual(assembleTrace(receiver.events(), 'api-sample'));
    expect(receiver.trace('no-such-trace')).toBeUndefined();
  });

  it('assembles an OTLP trace with its parent link and observation types', () => {
    const trace = receiver.trace(TRACE_B) as AssembledTrace;
    const [root, child] = trace.observations;
    expect([root?.name, root?.type, root?.parentObservationId]).toEqual(['otlp-root', 'span', undefined]);
    expect([child?.name, child?.type, child?.model, child?.parentObservationId]).toEqual([
      'otlp-child',
      'generation',
      'm-1',
      otlpRoot.spanId,
    ]);
    expect(trace.durationMs).toBe(2000);
    expect(trace.trace.name).toBe('otlp-root');
  });

  it('lists the traces: id, name, counts, start and duration', async () => {
    const list = (await getJson('/api/receiver/traces')) as TraceSummary[];
    expect(list).toHaveLength(3);
    expect(list[0]).toEqual({
      id: 'api-sample',
      name: 'answer-question',
      userId: 'user-42',
      sessionId: 'session-7',
      observationCount: 5,
      scoreCount: 1,
      startTime: at(0),
      endTime: at(1230),
      durationMs: 1230,
    });
    expect(list[1]).toMatchObject({ id: TRACE_B, name: 'otlp-root', observationCount: 2, durationMs: 2000 });
    expect(list[2]).toEqual({
      id: 'with/slash and space',
      name: 'odd id',
      observationCount: 0,
      scoreCount: 0,
      startTime: at(0),
      endTime: at(0),
      durationMs: 0,
    });
  });

  it('returns one trace with its observations and scores', async () => {
    const trace = (await getJson('/api/receiver/traces/api-sample')) as AssembledTrace;
    expect(trace).toEqual(JSON.parse(JSON.stringify(receiver.trace('api-sample'))));
    expect(trace.observations.map((observation) => observation.name)).toContain('vector-search');
    expect(trace.scores.map((score) => score.name)).toEqual(['quality']);
  });

  it('decodes a percent-encoded trace id', async () => {
    const trace = (await getJson(`/api/receiver/traces/${encodeURIComponent('with/slash and space')}`)) as AssembledTrace;
    expect(trace.trace.name).toBe('odd id');
  });

  it('answers 404 JSON for an unknown trace, and for a trace known only from a score', async () => {
    expect(await getJson('/api/receiver/traces/nope', 404)).toEqual({ message: 'Trace not found: nope' });
    expect(await getJson('/api/receiver/traces/no-such-trace', 404)).toEqual({ message: 'Trace not found: no-such-trace' });
    expect(await getJson('/api/receiver/traces/', 404)).toEqual({ message: 'Not found: /api/receiver/traces/' });
  });

  it('answers 405 to writes and keeps the other read endpoints', async () => {
    const post = await fetch(`${receiver.url}/api/receiver/traces/api-sample`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(((await getJson('/api/receiver/events')) as unknown[]).length).toBe(receiver.events().length);
    expect(await getJson('/api/receiver/stats')).toEqual(receiver.stats());
  });

  it('forgets the traces on reset()', async () => {
    const other = await startReceiver();
    try {
      await ingest(other, [stored('span-create', { id: 'o', traceId: 'r', startTime: at(0), endTime: at(1) })]);
      expect(other.traces()).toHaveLength(1);
      other.reset();
      expect(other.traces()).toEqual([]);
      expect(other.trace('r')).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
