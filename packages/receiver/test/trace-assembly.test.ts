import { describe, expect, it } from 'vitest';
import { assembleTrace, assembleTraces, observationTree, topLevelObservationsEnded, type AssembledTrace } from '../src/index.js';
import { at, sampleTraceEvents, stored } from './trace-events.js';

function only(events: Parameters<typeof assembleTraces>[0]): AssembledTrace {
  const traces = assembleTraces(events);
  expect(traces).toHaveLength(1);
  return traces[0] as AssembledTrace;
}

function observation(trace: AssembledTrace, id: string) {
  const found = trace.observations.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no observation ${id}`);
  return found;
}

describe('trace assembly: grouping', () => {
  it('groups events per trace in order of first arrival; scores alone make no trace', () => {
    const traces = assembleTraces([
      stored('span-create', { id: 'b-1', traceId: 'b', startTime: at(0) }),
      stored('trace-create', { id: 'a', name: 'A' }),
      stored('score-create', { id: 's', traceId: 'only-a-score', name: 'x', value: 1 }),
      stored('trace-create', { id: 'b', name: 'B' }),
      stored('sdk-log', { id: 'log', log: 'hi' }),
    ]);
    expect(traces.map((trace) => [trace.id, trace.trace.name, trace.eventCount])).toEqual([
      ['b', 'B', 2],
      ['a', 'A', 1],
    ]);
  });

  it('assembleTrace picks one trace, with its scores; undefined when unknown', () => {
    const events = [...sampleTraceEvents('one'), ...sampleTraceEvents('two')];
    const trace = assembleTrace(events, 'two');
    expect(trace?.id).toBe('two');
    expect(trace?.observations).toHaveLength(5);
    expect(trace?.scores.map((score) => [score.id, score.name, score.value])).toEqual([['two-score', 'quality', 0.9]]);
    expect(assembleTrace(events, 'three')).toBeUndefined();
  });

  it('gives a trace without a trace-create no timestamp, and defaults', () => {
    const trace = only([stored('span-create', { id: 'o', traceId: 't', startTime: at(5), endTime: at(9) })]);
    expect(trace.trace).toEqual({ id: 't', tags: [], metadata: {}, environment: 'default', public: false });
    expect(trace.startTime).toBe(at(5));
    expect(trace.durationMs).toBe(4);
  });
});

describe('trace assembly: merge rules', () => {
  it('applies events in envelope-timestamp order, not arrival order', () => {
    const trace = only([
      stored('trace-create', { id: 't', name: 'newer' }, at(2000)),
      stored('trace-create', { id: 't', name: 'older' }, at(1000)),
    ]);
    expect(trace.trace.name).toBe('newer');
  });

  it('applies a create before an update with the same timestamp, whatever the arrival order', () => {
    const trace = only([
      stored('span-update', { id: 'o', traceId: 't', name: 'from-update' }, at(100)),
      stored('span-create', { id: 'o', traceId: 't', name: 'from-create', startTime: at(0) }, at(100)),
    ]);
    expect(observation(trace, 'o').name).toBe('from-update');
  });

  it('never overwrites with an absent (undefined) field', () => {
    const trace = only([
      stored('trace-create', { id: 't', name: 'kept', userId: 'u1', release: 'r1' }, at(0)),
      stored('trace-create', { id: 't', sessionId: 's1' }, at(1)),
    ]);
    expect(trace.trace).toMatchObject({ name: 'kept', userId: 'u1', release: 'r1', sessionId: 's1' });
  });

  it('clears a field with null', () => {
    const trace = only([
      stored('span-create', { id: 'o', traceId: 't', name: 'step', statusMessage: 'slow', startTime: at(0) }, at(0)),
      stored('span-update', { id: 'o', traceId: 't', statusMessage: null }, at(1)),
    ]);
    expect(observation(trace, 'o').statusMessage).toBeUndefined();
    expect(observation(trace, 'o').name).toBe('step');
  });

  it('deep-merges metadata', () => {
    const trace = only([
      stored('trace-create', { id: 't', metadata: { a: 1, nested: { x: 1, y: 1 }, list: [1, 2] } }, at(0)),
      stored('trace-create', { id: 't', metadata: { b: 2, nested: { y: 2, z: 3 }, list: [3] } }, at(1)),
    ]);
    expect(trace.trace.metadata).toEqual({ a: 1, b: 2, nested: { x: 1, y: 2, z: 3 }, list: [3] });
  });

  it('keeps a non-object metadata value under the key "metadata"', () => {
    const trace = only([stored('span-create', { id: 'o', traceId: 't', metadata: 'plain text', startTime: at(0) })]);
    expect(observation(trace, 'o').metadata).toEqual({ metadata: 'plain text' });
  });

  it('unions tags and sorts them', () => {
    const trace = only([
      stored('trace-create', { id: 't', tags: ['b', 'a'] }, at(0)),
      stored('trace-create', { id: 't', tags: ['c', 'a'] }, at(1)),
      stored('trace-create', { id: 't', tags: null }, at(2)),
    ]);
    expect(trace.trace.tags).toEqual(['a', 'b', 'c']);
  });

  it('takes the last truthy input and output', () => {
    const trace = only([
      stored('generation-create', { id: 'o', traceId: 't', input: 'first', output: 'out-1', startTime: at(0) }, at(0)),
      stored('generation-update', { id: 'o', traceId: 't', input: 'second', output: '' }, at(1)),
      stored('generation-update', { id: 'o', traceId: 't', input: null, output: 0 }, at(2)),
      stored('trace-create', { id: 't', input: { q: 1 } }, at(0)),
      stored('trace-create', { id: 't', input: null, output: { a: 2 } }, at(1)),
    ]);
    expect(observation(trace, 'o')).toMatchObject({ input: 'second', output: 'out-1' });
    expect(trace.trace).toMatchObject({ input: { q: 1 }, output: { a: 2 } });
  });

  it('keeps the first timestamp, start time and environment (immutable on the server)', () => {
    const trace = only([
      stored('trace-create', { id: 't', environment: 'staging' }, at(100)),
      stored('trace-create', { id: 't', timestamp: at(50), environment: 'production' }, at(200)),
      stored('span-create', { id: 'o', traceId: 't', startTime: at(10) }, at(300)),
      stored('span-update', { id: 'o', traceId: 't', startTime: at(5), endTime: at(20) }, at(400)),
    ]);
    expect(trace.trace.timestamp).toBe(at(100));
    expect(trace.trace.environment).toBe('staging');
    expect(observation(trace, 'o').startTime).toBe(at(10));
    expect(observation(trace, 'o').durationMs).toBe(10);
  });

  it('does not overwrite with an empty object, and adds usage and cost totals', () => {
    const trace = only([
      stored(
        'generation-create',
        { id: 'o', traceId: 't', startTime: at(0), usageDetails: { input: 10, output: 4 }, costDetails: { input: 0.5, output: 0.25 } },
        at(0),
      ),
      stored('generation-update', { id: 'o', traceId: 't', usageDetails: {}, costDetails: {}, modelParameters: {} }, at(1)),
    ]);
    expect(observation(trace, 'o').usageDetails).toEqual({ input: 10, output: 4, total: 14 });
    expect(observation(trace, 'o').costDetails).toEqual({ input: 0.5, output: 0.25, total: 0.75 });
    expect(observation(trace, 'o').modelParameters).toBeUndefined();
  });

  it('reads the legacy usage object into usage and cost details', () => {
    const trace = only([
      stored('generation-create', {
        id: 'o',
        traceId: 't',
        startTime: at(0),
        usage: { input: 7, output: 3, unit: 'TOKENS', inputCost: 1, outputCost: 2 },
      }),
    ]);
    expect(observation(trace, 'o').usageDetails).toEqual({ input: 7, output: 3, total: 10 });
    expect(observation(trace, 'o').costDetails).toEqual({ input: 1, output: 2, total: 3 });
  });

  it('merges scores per id like the other entities', () => {
    const trace = only([
      stored('trace-create', { id: 't' }),
      stored('score-create', { id: 's', traceId: 't', name: 'quality', value: 0.2, comment: 'first' }, at(1)),
      stored('score-create', { id: 's', traceId: 't', name: 'quality', value: 0.8 }, at(2)),
    ]);
    expect(trace.scores).toEqual([
      { id: 's', traceId: 't', name: 'quality', value: 0.8, comment: 'first', environment: 'default', metadata: {}, timestamp: at(1) },
    ]);
  });
});

describe('trace assembly: observations', () => {
  it('takes the type from the event type, defaults the level, clamps an end before the start', () => {
    const trace = only([
      stored('agent-create', { id: 'agent', traceId: 't', startTime: at(0), endTime: at(50) }),
      stored('tool-create', { id: 'tool', traceId: 't', startTime: at(10), endTime: at(5), level: 'WARNING' }),
      stored('event-create', { id: 'event', traceId: 't', startTime: at(20) }),
    ]);
    expect(trace.observations.map((o) => [o.id, o.type, o.level, o.durationMs])).toEqual([
      ['agent', 'agent', 'DEFAULT', 50],
      ['tool', 'tool', 'WARNING', 0],
      ['event', 'event', 'DEFAULT', 0],
    ]);
    expect(observation(trace, 'tool').endTime).toBe(at(10));
  });

  it('keeps sub-millisecond precision of start and end times', () => {
    const trace = only([
      stored('span-create', {
        id: 'o',
        traceId: 't',
        startTime: '2024-05-01T10:00:00.000100000Z',
        endTime: '2024-05-01T10:00:00.000600000Z',
      }),
    ]);
    expect(observation(trace, 'o').durationMs).toBeCloseTo(0.5, 6);
  });

  it('sorts observations by start time and spans the trace from first start to last end', () => {
    const trace = assembleTrace(sampleTraceEvents('s'), 's') as AssembledTrace;
    expect(trace.observations.map((o) => o.name)).toEqual([
      'answer-question',
      'retrieve-documents',
      'vector-search',
      'llm-call',
      'answer-ready',
    ]);
    expect([trace.startTime, trace.endTime, trace.durationMs]).toEqual([at(0), at(1230), 1230]);
  });

  it('puts an observation whose parent is unknown at top level, and survives a parent cycle', () => {
    const trace = only([
      stored('span-create', { id: 'root', traceId: 't', startTime: at(0), endTime: at(10) }),
      stored('span-create', { id: 'child', traceId: 't', parentObservationId: 'root', startTime: at(1), endTime: at(2) }),
      stored('span-create', { id: 'orphan', traceId: 't', parentObservationId: 'elsewhere', startTime: at(3), endTime: at(4) }),
      stored('span-create', { id: 'x', traceId: 't', parentObservationId: 'y', startTime: at(5), endTime: at(6) }),
      stored('span-create', { id: 'y', traceId: 't', parentObservationId: 'x', startTime: at(7), endTime: at(8) }),
    ]);
    const flat = (nodes: ReturnType<typeof observationTree>): string[] =>
      nodes.flatMap((node) => [`${node.depth}:${node.observation.id}`, ...flat(node.children)]);
    expect(flat(observationTree(trace))).toEqual(['0:root', '1:child', '0:orphan', '0:x', '1:y']);
  });

  it('tells whether the top-level observations have ended', () => {
    const open = [
      stored('span-create', { id: 'root', traceId: 't', startTime: at(0) }),
      stored('span-create', { id: 'child', traceId: 't', parentObservationId: 'root', startTime: at(1), endTime: at(2) }),
    ];
    expect(topLevelObservationsEnded(only(open))).toBe(false);
    expect(topLevelObservationsEnded(only([...open, stored('span-update', { id: 'root', traceId: 't', endTime: at(3) }, at(5))]))).toBe(true);
    expect(topLevelObservationsEnded(only([stored('trace-create', { id: 't' })]))).toBe(true);
  });
});
