import { describe, expect, it } from 'vitest';
import type { ObservationCreateEvent } from '../src/wire/ingestion-event.js';
import { downgradeObservation, isExtendedTypeEvent } from '../src/delivery/ingestion/observation-type-fallback.js';

const event = (type: ObservationCreateEvent['type'], body: Partial<ObservationCreateEvent['body']> = {}): ObservationCreateEvent => ({
  id: `s-${type}`,
  timestamp: '2026-01-01T00:00:00.000000Z',
  type,
  body: { id: 's', traceId: 't', metadata: { a: 1 }, ...body },
});

describe('observation type fallback', () => {
  it('knows which types need server >= 3.99', () => {
    expect(isExtendedTypeEvent(event('agent-create'))).toBe(true);
    expect(isExtendedTypeEvent(event('span-create'))).toBe(false);
    expect(isExtendedTypeEvent(event('generation-create'))).toBe(false);
  });

  it('sends a tool as a span, keeping its type in metadata, with a new deterministic envelope id', () => {
    const down = downgradeObservation(event('tool-create', { model: undefined }));
    expect(down).toMatchObject({ id: 's-span-create', type: 'span-create', body: { id: 's', metadata: { a: 1, observationType: 'tool' } } });
  });

  it('sends an embedding, or any type with model data, as a generation', () => {
    expect(downgradeObservation(event('embedding-create')).type).toBe('generation-create');
    const agent = downgradeObservation(event('agent-create', { model: 'gpt', usageDetails: { input: 1 } }));
    expect(agent.type).toBe('generation-create');
    expect(agent.body.model).toBe('gpt');
  });
});
