import type { StoredEvent } from '../src/index.js';

// Stored events for the trace view tests: fixed times, so durations and bars are exact.

export const BASE_MS = Date.UTC(2024, 4, 1, 10, 0, 0);

/** The time `ms` milliseconds after BASE_MS, as an ISO string. */
export function at(ms: number): string {
  return new Date(BASE_MS + ms).toISOString();
}

let sequence = 0;

export function stored(type: string, body: Record<string, unknown>, timestamp: string = at(0)): StoredEvent {
  sequence++;
  return {
    id: `stored-${sequence}`,
    timestamp,
    type: type as StoredEvent['type'],
    body: body as StoredEvent['body'],
  };
}

/**
 * answer-question (1.23 s): retrieve-documents > vector-search (ERROR), llm-call (generation), answer-ready
 * (event), and a score.
 */
export function sampleTraceEvents(traceId = 'trace-sample'): StoredEvent[] {
  return [
    stored('trace-create', {
      id: traceId,
      name: 'answer-question',
      userId: 'user-42',
      sessionId: 'session-7',
      tags: ['demo', 'alpha'],
      timestamp: at(0),
    }),
    stored('span-create', { id: `${traceId}-root`, traceId, name: 'answer-question', startTime: at(0), endTime: at(1230) }),
    stored('span-create', {
      id: `${traceId}-retrieve`,
      traceId,
      parentObservationId: `${traceId}-root`,
      name: 'retrieve-documents',
      startTime: at(10),
      endTime: at(310),
    }),
    stored('generation-create', {
      id: `${traceId}-llm`,
      traceId,
      parentObservationId: `${traceId}-root`,
      name: 'llm-call',
      startTime: at(320),
      endTime: at(1200),
      model: 'demo-model-1',
      usageDetails: { input: 12, output: 5 },
    }),
    stored('event-create', {
      id: `${traceId}-ready`,
      traceId,
      parentObservationId: `${traceId}-root`,
      name: 'answer-ready',
      startTime: at(1210),
    }),
    stored('span-create', {
      id: `${traceId}-search`,
      traceId,
      parentObservationId: `${traceId}-retrieve`,
      name: 'vector-search',
      startTime: at(20),
      endTime: at(300),
      level: 'ERROR',
      statusMessage: 'connection refused',
    }),
    stored('score-create', { id: `${traceId}-score`, traceId, name: 'quality', value: 0.9 }),
  ];
}
