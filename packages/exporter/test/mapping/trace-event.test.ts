import { describe, expect, it } from 'vitest';
import {
  END_ISO,
  REMOTE_PARENT_ID,
  START_ISO,
  TRACE_ID,
  createRecorder,
  mapSpan,
  noteCodes,
} from './span-fixtures.js';

describe('trace-create for a trace root', () => {
  it('is sent for a span without parent, before its observation', () => {
    const span = createRecorder().record({ name: 'handle-request' });
    const { events, trace } = mapSpan(span);
    const { traceId, spanId } = span.spanContext();
    expect(events[0]?.type).toBe('trace-create');
    expect(trace?.id).toBe(`${traceId}-${spanId}-trace`);
    expect(trace?.timestamp).toBe(END_ISO);
    expect(trace?.body).toMatchObject({ id: traceId, timestamp: START_ISO, name: 'handle-request' });
  });

  it('prefers langfuse.trace.name over the span name', () => {
    const span = createRecorder().record({ name: 'span-name', attributes: { 'langfuse.trace.name': 'Chat turn' } });
    expect(mapSpan(span).trace?.body.name).toBe('Chat turn');
  });

  it('truncates a trace name over 1000 characters with a note', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.trace.name': 't'.repeat(1200) } });
    const { trace, notes } = mapSpan(span);
    expect(trace?.body.name).toHaveLength(1000);
    expect(noteCodes(notes)).toEqual(['name-truncated']);
  });

  it('maps user, session, tags, public and metadata', () => {
    const span = createRecorder().record({
      attributes: {
        'langfuse.user.id': 'user-1',
        'langfuse.session.id': 'session-1',
        'langfuse.trace.tags': ['a', 'b'],
        'langfuse.trace.public': true,
        'langfuse.trace.metadata': '{"tenant":"acme","limits":{"rpm":10}}',
        'langfuse.trace.metadata.plan': 'pro',
        'langfuse.trace.metadata.seats': '5',
      },
    });
    expect(mapSpan(span).trace?.body).toMatchObject({
      userId: 'user-1',
      sessionId: 'session-1',
      tags: ['a', 'b'],
      public: true,
      metadata: { tenant: 'acme', limits: { rpm: 10 }, plan: 'pro', seats: 5 },
    });
  });

  it('reads the user.id and session.id aliases', () => {
    const span = createRecorder().record({ attributes: { 'user.id': 'u', 'session.id': 's' } });
    expect(mapSpan(span).trace?.body).toMatchObject({ userId: 'u', sessionId: 's' });
  });

  it('langfuse.* names win over aliases', () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.user.id': 'lf', 'user.id': 'alias', 'langfuse.session.id': 'lfs', 'session.id': 'x' },
    });
    expect(mapSpan(span).trace?.body).toMatchObject({ userId: 'lf', sessionId: 'lfs' });
  });

  it('reads gen_ai.conversation.id as the session id on roots only', () => {
    const recorder = createRecorder();
    const root = recorder.start({ attributes: { 'gen_ai.conversation.id': 'conv-1' } });
    const child = recorder.record({ parent: root, attributes: { 'gen_ai.conversation.id': 'conv-1' } });
    root.end();
    const rootSpan = recorder.finished().find((s) => s.spanContext().spanId === root.spanContext().spanId);
    expect(mapSpan(rootSpan!).trace?.body.sessionId).toBe('conv-1');
    expect(mapSpan(child).trace).toBeUndefined();
  });

  it('truncates ids over 800 characters with a note', () => {
    const span = createRecorder().record({ attributes: { 'langfuse.user.id': 'u'.repeat(900) } });
    const { trace, notes } = mapSpan(span);
    expect(trace?.body.userId).toHaveLength(800);
    expect(noteCodes(notes)).toEqual(['id-truncated']);
  });

  it('accepts public as "true"/"false" strings and notes anything else', () => {
    const recorder = createRecorder();
    expect(mapSpan(recorder.record({ attributes: { 'langfuse.trace.public': 'true' } })).trace?.body.public).toBe(true);
    expect(mapSpan(recorder.record({ attributes: { 'langfuse.trace.public': 'FALSE' } })).trace?.body.public).toBe(
      false,
    );
    const invalid = mapSpan(recorder.record({ attributes: { 'langfuse.trace.public': 'yes' } }));
    expect(invalid.trace?.body).not.toHaveProperty('public');
    expect(noteCodes(invalid.notes)).toEqual(['public-invalid']);
  });

  it('takes tags from a JSON array string or comma-separated string', () => {
    const recorder = createRecorder();
    expect(mapSpan(recorder.record({ attributes: { 'langfuse.trace.tags': '["x","y"]' } })).trace?.body.tags).toEqual([
      'x',
      'y',
    ]);
    expect(mapSpan(recorder.record({ attributes: { 'langfuse.trace.tags': 'x, y ,x' } })).trace?.body.tags).toEqual([
      'x',
      'y',
    ]);
  });

  it('input/output: langfuse.trace.input/output first', () => {
    const span = createRecorder().record({
      attributes: {
        'langfuse.trace.input': '{"question":"q"}',
        'langfuse.trace.output': 'plain answer',
        'langfuse.observation.input': '"obs in"',
        'langfuse.observation.output': '"obs out"',
      },
    });
    expect(mapSpan(span).trace?.body).toMatchObject({ input: { question: 'q' }, output: 'plain answer' });
  });

  it("input/output: else the root observation's input/output", () => {
    const span = createRecorder().record({
      attributes: { 'langfuse.observation.input': '{"a":1}', 'langfuse.observation.output': 'done' },
    });
    expect(mapSpan(span).trace?.body).toMatchObject({ input: { a: 1 }, output: 'done' });
  });

  it('release: langfuse.release, else the exporter default', () => {
    const recorder = createRecorder();
    expect(mapSpan(recorder.record(), { release: 'r1' }).trace?.body.release).toBe('r1');
    expect(
      mapSpan(recorder.record({ attributes: { 'langfuse.release': 'r2' } }), { release: 'r1' }).trace?.body.release,
    ).toBe('r2');
    expect(mapSpan(recorder.record()).trace?.body).not.toHaveProperty('release');
  });

  it('version: langfuse.version, else service.version; environment as for the observation', () => {
    const recorder = createRecorder({ 'service.version': '3.0.0', 'deployment.environment.name': 'staging' });
    const { trace, observation } = mapSpan(recorder.record());
    expect(trace?.body).toMatchObject({ version: '3.0.0', environment: 'staging' });
    expect(observation.body).toMatchObject({ version: '3.0.0', environment: 'staging' });
    const explicit = mapSpan(recorder.record({ attributes: { 'langfuse.version': 'v9' } }));
    expect(explicit.trace?.body.version).toBe('v9');
  });

  it('langfuse.internal.as_root makes a child a trace root without a parent observation', () => {
    const recorder = createRecorder();
    const parent = recorder.start();
    const span = recorder.record({ name: 'agent-run', parent, attributes: { 'langfuse.internal.as_root': 'true' } });
    const { trace, observation } = mapSpan(span);
    expect(trace?.body).toMatchObject({ name: 'agent-run', timestamp: START_ISO });
    expect(observation.body).not.toHaveProperty('parentObservationId');
  });

  it('accepts as_root as a boolean too', () => {
    const recorder = createRecorder();
    const parent = recorder.start();
    const span = recorder.record({ parent, attributes: { 'langfuse.internal.as_root': true } });
    expect(mapSpan(span).trace?.body.timestamp).toBe(START_ISO);
  });
});

describe('partial trace-create from other spans', () => {
  it('is not sent for a plain child span', () => {
    const recorder = createRecorder();
    const parent = recorder.start();
    const { events, trace } = mapSpan(recorder.record({ parent }));
    expect(trace).toBeUndefined();
    expect(events).toHaveLength(1);
  });

  it("carries only the trace attributes the span has (and the environment), stamped with the span's start", () => {
    const recorder = createRecorder({ 'service.version': '1.0.0' });
    const parent = recorder.start();
    const span = recorder.record({
      parent,
      attributes: { 'langfuse.user.id': 'u-7', 'langfuse.trace.tags': 'beta', 'langfuse.observation.input': '"x"' },
    });
    const { trace } = mapSpan(span, { environment: 'production', release: 'r1' });
    expect(trace).toEqual({
      id: `${span.spanContext().traceId}-${span.spanContext().spanId}-trace`,
      timestamp: END_ISO,
      type: 'trace-create',
      body: { id: span.spanContext().traceId, userId: 'u-7', tags: ['beta'], timestamp: START_ISO, environment: 'production' },
    });
  });

  it('is triggered by an alias such as session.id', () => {
    const recorder = createRecorder();
    const parent = recorder.start();
    const { trace } = mapSpan(recorder.record({ parent, attributes: { 'session.id': 's-1' } }));
    expect(trace?.body).toEqual({ id: parent.spanContext().traceId, sessionId: 's-1', timestamp: START_ISO });
  });

  it('is dropped when every trace attribute normalized away', () => {
    const recorder = createRecorder();
    const parent = recorder.start();
    const { trace, notes } = mapSpan(recorder.record({ parent, attributes: { 'langfuse.trace.tags': ' , ' } }));
    expect(trace).toBeUndefined();
    expect(notes).toEqual([]);
  });
});

describe('shallow trace-create for a local root under a remote parent', () => {
  it('is {id, timestamp, environment}', () => {
    const span = createRecorder({}).record({ name: 'worker', parent: { remoteSpanId: REMOTE_PARENT_ID } });
    const { trace, observation } = mapSpan(span, { environment: 'production', release: 'r1' });
    expect(trace).toEqual({
      id: `${TRACE_ID}-${span.spanContext().spanId}-trace`,
      timestamp: END_ISO,
      type: 'trace-create',
      body: { id: TRACE_ID, timestamp: START_ISO, environment: 'production' },
    });
    expect(observation.body.parentObservationId).toBe(REMOTE_PARENT_ID);
  });

  it('reads gen_ai.conversation.id as the session id (a local root)', () => {
    const span = createRecorder({}).record({
      parent: { remoteSpanId: REMOTE_PARENT_ID },
      attributes: { 'gen_ai.conversation.id': 'conv-9' },
    });
    const { trace, observation } = mapSpan(span);
    expect(trace?.body.sessionId).toBe('conv-9');
    expect(observation.body).not.toHaveProperty('metadata.attributes');
  });

  it('merges in the trace attributes the span carries', () => {
    const span = createRecorder({}).record({
      parent: { remoteSpanId: REMOTE_PARENT_ID },
      attributes: { 'langfuse.trace.name': 'continued', 'langfuse.user.id': 'u' },
    });
    expect(mapSpan(span).trace?.body).toEqual({ id: TRACE_ID, timestamp: START_ISO, name: 'continued', userId: 'u' });
  });
});
