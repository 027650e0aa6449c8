import { describe, expect, it } from 'vitest';
import { END_ISO, T0, createRecorder, mapSpan } from './span-fixtures.js';
import { spanEventId } from '../../src/mapping/span-events.js';

describe('OTel span events', () => {
  it('each becomes an event-create under the span, with deterministic ids', () => {
    const span = createRecorder({}).record({
      events: [
        { name: 'cache-miss', attributes: { key: 'k1', size: 3 }, time: [T0 + 1, 250_000_000] },
        { name: 'retry', time: [T0 + 1, 750_000_000] },
      ],
    });
    const { spanId, traceId } = span.spanContext();
    const { events } = mapSpan(span, { environment: 'production' });
    expect(events.filter((e) => e.type === 'event-create')).toEqual([
      {
        id: `${spanId}-e0-event-create`,
        timestamp: END_ISO,
        type: 'event-create',
        body: {
          id: `${spanEventId(spanId, 0)}`,
          traceId,
          parentObservationId: spanId,
          name: 'cache-miss',
          startTime: '2024-05-01T12:00:01.250000Z',
          metadata: { key: 'k1', size: 3 },
          environment: 'production',
        },
      },
      {
        id: `${spanId}-e1-event-create`,
        timestamp: END_ISO,
        type: 'event-create',
        body: {
          id: `${spanEventId(spanId, 1)}`,
          traceId,
          parentObservationId: spanId,
          name: 'retry',
          startTime: '2024-05-01T12:00:01.750000Z',
          environment: 'production',
        },
      },
    ]);
  });

  it('come after the observation of their span', () => {
    const span = createRecorder().record({ events: [{ name: 'e' }] });
    expect(mapSpan(span).events.map((e) => e.type)).toEqual(['trace-create', 'span-create', 'event-create']);
  });

  it('exception events do not become event-creates and do not shift the indexes', () => {
    const span = createRecorder().record({
      events: [
        { name: 'before' },
        { name: 'exception', attributes: { 'exception.message': 'boom' } },
        { name: 'after' },
      ],
    });
    const { spanId } = span.spanContext();
    const { events, observation } = mapSpan(span);
    const ids = events.filter((e) => e.type === 'event-create').map((e) => e.body.id);
    expect(ids).toEqual([`${spanEventId(spanId, 0)}`, `${spanEventId(spanId, 1)}`]);
    expect(observation.body.statusMessage).toBe('boom');
  });

  it('the last recorded exception gives the status message', () => {
    const span = createRecorder().record({
      events: [
        { name: 'exception', attributes: { 'exception.message': 'first' } },
        { name: 'exception', attributes: { 'exception.message': 'second' } },
      ],
    });
    expect(mapSpan(span).observation.body.statusMessage).toBe('second');
  });

  it('carry the version like the span', () => {
    const span = createRecorder({ 'service.version': '2.0.0' }).record({ events: [{ name: 'e' }] });
    const event = mapSpan(span).events.find((e) => e.type === 'event-create');
    expect(event?.body.version).toBe('2.0.0');
  });
});
