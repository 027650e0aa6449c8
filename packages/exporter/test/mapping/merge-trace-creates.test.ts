import { describe, expect, it } from 'vitest';
import type { IngestionEvent, TraceBody, TraceCreateEvent } from '../../src/wire/ingestion-event.js';
import { createSpanMapper, isTraceDefaults, mergeTraceCreates, traceFieldsOf } from '../../src/mapping/index.js';
import { REMOTE_PARENT_ID, T0, createRecorder } from './span-fixtures.js';

const TRACE = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

function traceCreate(id: string, timestamp: string, body: Omit<TraceBody, 'id'>, traceId = TRACE): TraceCreateEvent {
  return { id, timestamp, type: 'trace-create', body: { id: traceId, ...body } };
}

function span(id: string): IngestionEvent {
  return {
    id: `${id}-span-create`,
    timestamp: '2024-05-01T12:00:00.000000Z',
    type: 'span-create',
    body: { id, traceId: TRACE },
  };
}

describe('mergeTraceCreates', () => {
  it('returns the same array when no trace has two trace-creates', () => {
    const events = [traceCreate('t1', '2024-05-01T12:00:00.000000Z', { name: 'a' }), span('s1')];
    expect(mergeTraceCreates(events)).toBe(events);
  });

  it('merges trace-creates of one trace into one, placed where the first was', () => {
    const events = [
      span('s0'),
      traceCreate('child-trace', '2024-05-01T12:00:01.000000Z', { userId: 'u' }),
      span('s1'),
      traceCreate('root-trace', '2024-05-01T12:00:05.000000Z', { name: 'root', timestamp: '2024-05-01T12:00:00.000000Z' }),
      span('s2'),
    ];
    const merged = mergeTraceCreates(events);
    expect(merged.map((e) => e.id)).toEqual(['s0-span-create', 'root-trace', 's1-span-create', 's2-span-create']);
    expect(merged[1]).toEqual({
      id: 'root-trace',
      timestamp: '2024-05-01T12:00:05.000000Z',
      type: 'trace-create',
      body: { id: TRACE, userId: 'u', name: 'root', timestamp: '2024-05-01T12:00:00.000000Z' },
    });
  });

  it('later envelope timestamps win per field; undefined never overwrites', () => {
    const merged = mergeTraceCreates([
      traceCreate('late', '2024-05-01T12:00:09.000000Z', { name: 'late', release: undefined }),
      traceCreate('early', '2024-05-01T12:00:01.000000Z', { name: 'early', release: 'r1', userId: 'u' }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.body).toEqual({ id: TRACE, name: 'late', release: 'r1', userId: 'u' });
    expect(merged[0]?.timestamp).toBe('2024-05-01T12:00:09.000000Z');
  });

  it('unions tags and deep-merges metadata', () => {
    const merged = mergeTraceCreates([
      traceCreate('a', '2024-05-01T12:00:01.000000Z', { tags: ['x', 'y'], metadata: { a: 1, deep: { p: 1, q: 1 } } }),
      traceCreate('b', '2024-05-01T12:00:02.000000Z', { tags: ['y', 'z'], metadata: { b: 2, deep: { q: 2 } } }),
    ]);
    expect(merged[0]?.body).toEqual({
      id: TRACE,
      tags: ['x', 'y', 'z'],
      metadata: { a: 1, b: 2, deep: { p: 1, q: 2 } },
    });
  });

  it('keeps the last truthy input/output', () => {
    const merged = mergeTraceCreates([
      traceCreate('a', '2024-05-01T12:00:01.000000Z', { input: 'question', output: 'answer' }),
      traceCreate('b', '2024-05-01T12:00:02.000000Z', { input: '', output: 'better answer' }),
    ]);
    expect(merged[0]?.body).toMatchObject({ input: 'question', output: 'better answer' });
  });

  it('keeps the envelope id of the root contributor, else the first', () => {
    const withRoot = mergeTraceCreates([
      traceCreate('partial', '2024-05-01T12:00:01.000000Z', { userId: 'u' }),
      traceCreate('remote-child', '2024-05-01T12:00:02.000000Z', { timestamp: '2024-05-01T12:00:00.500000Z' }),
      traceCreate('root', '2024-05-01T12:00:03.000000Z', { name: 'r', timestamp: '2024-05-01T12:00:00.100000Z' }),
    ]);
    expect(withRoot[0]?.id).toBe('root');
    const partialsOnly = mergeTraceCreates([
      traceCreate('p1', '2024-05-01T12:00:02.000000Z', { userId: 'u' }),
      traceCreate('p2', '2024-05-01T12:00:01.000000Z', { sessionId: 's' }),
    ]);
    expect(partialsOnly[0]?.id).toBe('p1');
  });

  it('keeps traces apart and does not mutate its input', () => {
    const a1 = traceCreate('a1', '2024-05-01T12:00:01.000000Z', { tags: ['1'] });
    const b1 = traceCreate('b1', '2024-05-01T12:00:01.000000Z', { name: 'b' }, 'b'.repeat(32));
    const a2 = traceCreate('a2', '2024-05-01T12:00:02.000000Z', { tags: ['2'] });
    const snapshot = JSON.stringify([a1, b1, a2]);
    const merged = mergeTraceCreates([a1, b1, a2]);
    expect(merged.map((e) => e.id)).toEqual(['a1', 'b1']);
    expect(merged[0]?.body).toEqual({ id: TRACE, tags: ['1', '2'] });
    expect(merged[1]).toBe(b1);
    expect(JSON.stringify([a1, b1, a2])).toBe(snapshot);
  });

  it('merges what the mapper produced for a real trace', () => {
    const recorder = createRecorder({}, { name: '' });
    const root = recorder.start({ name: 'root', attributes: { 'langfuse.trace.tags': ['r'] } });
    recorder.record({ parent: root, attributes: { 'langfuse.user.id': 'u', 'langfuse.trace.tags': 'c' }, endTime: [T0 + 1, 0] });
    root.end([T0 + 3, 0]);
    const mapper = createSpanMapper({ environment: 'production' });
    const events = recorder.finished().flatMap((s) => mapper.map(s));
    const merged = mergeTraceCreates(events);
    const traces = merged.filter((e) => e.type === 'trace-create');
    expect(traces).toHaveLength(1);
    expect(traces[0]?.id).toBe(`${root.spanContext().traceId}-${root.spanContext().spanId}-trace`);
    expect(traces[0]?.body).toMatchObject({ name: 'root', userId: 'u', tags: ['c', 'r'], environment: 'production' });
    expect(merged[0]?.type).toBe('trace-create');
  });

  it('merges a remote-parent shallow trace-create with later partial ones', () => {
    const recorder = createRecorder({}, { name: '' });
    const local = recorder.start({ parent: { remoteSpanId: REMOTE_PARENT_ID } });
    recorder.record({ parent: local, attributes: { 'langfuse.session.id': 's' }, endTime: [T0 + 1, 0] });
    local.end([T0 + 2, 0]);
    const mapper = createSpanMapper({});
    const merged = mergeTraceCreates(recorder.finished().flatMap((s) => mapper.map(s)));
    const traces = merged.filter((e) => e.type === 'trace-create');
    expect(traces).toHaveLength(1);
    expect(traces[0]?.id).toBe(`${local.spanContext().traceId}-${local.spanContext().spanId}-trace`);
    expect(traces[0]?.body).toEqual({
      id: local.spanContext().traceId,
      timestamp: '2024-05-01T12:00:00.123456Z',
      sessionId: 's',
    });
  });

  describe("a root's fallback values never overwrite a value a span set explicitly", () => {
    function rootWithNamedChild() {
      const recorder = createRecorder({}, { name: '' });
      const root = recorder.start({ name: 'POST /checkout', attributes: { 'langfuse.observation.input': '"root-in"' } });
      recorder.record({
        parent: root,
        attributes: { 'langfuse.trace.name': 'checkout', 'langfuse.trace.input': '"child-in"' },
        endTime: [T0 + 1, 0],
      });
      root.end([T0 + 3, 0]);
      const [child, rootSpan] = recorder.finished();
      return { mapper: createSpanMapper({ release: 'default-release' }), child: child!, rootSpan: rootSpan! };
    }

    it('in one batch', () => {
      const { mapper, child, rootSpan } = rootWithNamedChild();
      const traces = mergeTraceCreates([...mapper.map(child), ...mapper.map(rootSpan)]).filter((e) => e.type === 'trace-create');
      expect(traces).toHaveLength(1);
      expect(traces[0]?.body).toMatchObject({ name: 'checkout', input: 'child-in', release: 'default-release' });
    });

    it('across batches, given the fields set earlier', () => {
      const { mapper, child, rootSpan } = rootWithNamedChild();
      const earlier = new Set(traceFieldsOf((mapper.map(child)[0] as TraceCreateEvent).body));
      const traces = mergeTraceCreates(mapper.map(rootSpan), () => earlier).filter((e) => e.type === 'trace-create');
      expect(traces).toHaveLength(1);
      expect(traces[0]?.body.name).toBeUndefined();
      expect(traces[0]?.body).toMatchObject({ release: 'default-release' });
      expect(traces[0]?.body.input).toBeUndefined();
    });

    it('on the server too: fallbacks travel stamped with the root start, which any span end follows', () => {
      const { mapper, rootSpan } = rootWithNamedChild();
      const events = mapper.map(rootSpan).filter((e): e is TraceCreateEvent => e.type === 'trace-create');
      const defaults = events.find(isTraceDefaults);
      expect(defaults?.body).toMatchObject({ name: 'POST /checkout', input: 'root-in', release: 'default-release' });
      expect(defaults?.timestamp).toBe('2024-05-01T12:00:00.123456Z');
      // Alone (nothing else in the batch, nothing known): sent as it is, with its own envelope id.
      const alone = mergeTraceCreates([defaults!]);
      expect(alone).toEqual([defaults]);
    });
  });
});
