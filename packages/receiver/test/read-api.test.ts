import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver, type StoredEvent } from '../src/index.js';
import { spanCreate, traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';

describe('read API', () => {
  let receiver: Receiver;
  const traceA = traceCreate({ id: 'read-a' });
  const spanA = spanCreate({ traceId: 'read-a' });
  const traceB = traceCreate({ id: 'read-b' });

  beforeAll(async () => {
    receiver = await startReceiver();
    await ingest(receiver, [traceA, spanA, traceB]);
  });

  afterAll(async () => {
    await receiver.close();
  });

  async function getJson(path: string): Promise<unknown> {
    const response = await fetch(`${receiver.url}${path}`);
    expect(response.status).toBe(200);
    return response.json();
  }

  it('lists all events without auth', async () => {
    expect(await getJson('/api/receiver/events')).toEqual([traceA, spanA, traceB]);
  });

  it('lists one trace with ?traceId=', async () => {
    const events = (await getJson('/api/receiver/events?traceId=read-a')) as StoredEvent[];
    expect(events.map((event) => event.id)).toEqual([traceA.id, spanA.id]);
  });

  it('returns the stats and the request log, without counting its own requests', async () => {
    expect(await getJson('/api/receiver/stats')).toEqual(receiver.stats());
    expect(receiver.stats().requests).toBe(1);
    const requests = (await getJson('/api/receiver/requests')) as { status: number }[];
    expect(requests.map((record) => record.status)).toEqual([207]);
  });

  it('answers 405 to writes', async () => {
    expect((await fetch(`${receiver.url}/api/receiver/events`, { method: 'DELETE' })).status).toBe(405);
  });
});
