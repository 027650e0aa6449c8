import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createSpanMapper, mergeTraceCreates } from '../../src/mapping/index.js';
import { END_ISO, REMOTE_PARENT_ID, START_ISO, T0, TRACE_ID, createRecorder, endSpan, mapSpan } from './span-fixtures.js';
import { spanEventId } from '../../src/mapping/span-events.js';

describe('canonical spans, full output', () => {
  it('a root span written by the facade', () => {
    const recorder = createRecorder(
      { 'service.name': 'chat-api', 'service.version': '4.1.0', 'deployment.environment.name': 'production' },
      { name: 'langfuse-sdk', version: '1.0.0' },
    );
    const span = recorder.record({
      name: 'POST /chat',
      attributes: {
        'langfuse.trace.name': 'chat',
        'langfuse.user.id': 'user-42',
        'langfuse.session.id': 'session-7',
        'langfuse.trace.tags': ['web', 'beta'],
        'langfuse.trace.metadata.plan': 'pro',
        'langfuse.observation.input': '{"message":"Hello"}',
        'langfuse.observation.output': '{"reply":"Hi!"}',
        'langfuse.observation.metadata.route': '/chat',
        'http.status_code': 200,
      },
    });
    const { traceId, spanId } = span.spanContext();
    expect(mergeTraceCreates(createSpanMapper({ release: 'r-2024.05' }).map(span))).toEqual([
      {
        id: `${traceId}-${spanId}-trace`,
        timestamp: END_ISO,
        type: 'trace-create',
        body: {
          id: traceId,
          timestamp: START_ISO,
          name: 'chat',
          userId: 'user-42',
          sessionId: 'session-7',
          tags: ['web', 'beta'],
          metadata: { plan: 'pro' },
          input: { message: 'Hello' },
          output: { reply: 'Hi!' },
          release: 'r-2024.05',
          version: '4.1.0',
          environment: 'production',
        },
      },
      {
        id: `${spanId}-span-create`,
        timestamp: END_ISO,
        type: 'span-create',
        body: {
          id: spanId,
          traceId,
          name: 'POST /chat',
          startTime: START_ISO,
          endTime: END_ISO,
          input: { message: 'Hello' },
          output: { reply: 'Hi!' },
          metadata: {
            route: '/chat',
            attributes: { 'http.status_code': 200 },
            resourceAttributes: {
              'service.name': 'chat-api',
              'service.version': '4.1.0',
              'deployment.environment.name': 'production',
            },
            scope: { name: 'langfuse-sdk', version: '1.0.0' },
          },
          level: 'DEFAULT',
          version: '4.1.0',
          environment: 'production',
        },
      },
    ]);
  });

  it('a generation under a local parent', () => {
    const recorder = createRecorder({}, { name: '' });
    const parent = recorder.start({ name: 'agent' });
    const span = recorder.record({
      name: 'llm-call',
      parent,
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o-mini',
        'langfuse.observation.model.parameters': '{"temperature":0,"stop":["\\n"]}',
        'langfuse.observation.input': '[{"role":"user","content":"2+2?"}]',
        'langfuse.observation.output': '"4"',
        'langfuse.observation.usage_details': '{"input":12,"output":1,"total":13}',
        'langfuse.observation.cost_details': '{"total":0.00002}',
        'langfuse.observation.completion_start_time': '2024-05-01T12:00:01.000000Z',
        'langfuse.observation.prompt.name': 'math',
        'langfuse.observation.prompt.version': 2,
      },
      status: { code: SpanStatusCode.OK },
    });
    endSpan(recorder, parent);
    const { traceId, spanId } = span.spanContext();
    expect(createSpanMapper({ environment: 'dev' }).map(span)).toEqual([
      {
        id: `${spanId}-generation-create`,
        timestamp: END_ISO,
        type: 'generation-create',
        body: {
          id: spanId,
          traceId,
          parentObservationId: parent.spanContext().spanId,
          name: 'llm-call',
          startTime: START_ISO,
          endTime: END_ISO,
          input: [{ role: 'user', content: '2+2?' }],
          output: '4',
          level: 'DEFAULT',
          environment: 'dev',
          model: 'gpt-4o-mini',
          modelParameters: { temperature: 0, stop: ['\n'] },
          usageDetails: { input: 12, output: 1, total: 13 },
          costDetails: { total: 0.00002 },
          completionStartTime: '2024-05-01T12:00:01.000000Z',
          promptName: 'math',
          promptVersion: 2,
        },
      },
    ]);
  });

  it('a failing local root under a remote parent, with an event and an exception', () => {
    const recorder = createRecorder({}, { name: '' });
    const span = recorder.record({
      name: 'consume-message',
      parent: { remoteSpanId: REMOTE_PARENT_ID },
      events: [{ name: 'message-received', attributes: { 'messaging.message.id': 'm-1' }, time: [T0, 200_000_000] }],
      exception: new Error('queue closed'),
      status: { code: SpanStatusCode.ERROR },
    });
    const spanId = span.spanContext().spanId;
    const { events } = mapSpan(span, { environment: 'production' });
    expect(events).toEqual([
      {
        id: `${TRACE_ID}-${spanId}-trace`,
        timestamp: END_ISO,
        type: 'trace-create',
        body: { id: TRACE_ID, timestamp: START_ISO, environment: 'production' },
      },
      {
        id: `${spanId}-span-create`,
        timestamp: END_ISO,
        type: 'span-create',
        body: {
          id: spanId,
          traceId: TRACE_ID,
          parentObservationId: REMOTE_PARENT_ID,
          name: 'consume-message',
          startTime: START_ISO,
          endTime: END_ISO,
          level: 'ERROR',
          statusMessage: 'queue closed',
          environment: 'production',
        },
      },
      {
        id: `${spanId}-e0-event-create`,
        timestamp: END_ISO,
        type: 'event-create',
        body: {
          id: `${spanEventId(spanId, 0)}`,
          traceId: TRACE_ID,
          parentObservationId: spanId,
          name: 'message-received',
          startTime: '2024-05-01T12:00:00.200000Z',
          metadata: { 'messaging.message.id': 'm-1' },
          environment: 'production',
        },
      },
    ]);
    expect(mergeTraceCreates(events)).toBe(events);
  });
});
