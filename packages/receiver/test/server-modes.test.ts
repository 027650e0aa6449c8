import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/index.js';
import { generationCreate, observationCreate, scoreCreate, sdkLog, spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';

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
