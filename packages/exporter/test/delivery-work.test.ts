import { describe, expect, it } from 'vitest';
import { DeliveryWork } from '../src/delivery/http/delivery-work.js';
import { useExporterTestBed } from './helpers.js';
import { useTestTransports } from './test-transports.js';

const { receiver } = useExporterTestBed();
const transportTo = useTestTransports();
const transportFor = () => transportTo(new URL(`${receiver().url}/api/public/ingestion`), { username: receiver().publicKey, password: receiver().secretKey });

const BODY = JSON.stringify({ batch: [] });
const later = () => Date.now() + 10_000;

describe('DeliveryWork and the transport', () => {
  it('work begun before an abort is refused without a request, even if it had sent nothing yet; new work is sent', async () => {
    const transport = transportFor();
    const before = new DeliveryWork();
    transport.abortInFlight();
    const after = new DeliveryWork();
    expect(await transport.send(BODY, later(), { work: before })).toMatchObject({ kind: 'error', reason: 'flush-deadline', code: 'FLUSH_DEADLINE' });
    expect(receiver().requests()).toHaveLength(0);
    expect(await transport.send(BODY, later(), { work: after })).toMatchObject({ kind: 'response' });
    expect(await transport.send(BODY, later())).toMatchObject({ kind: 'response' });
    expect(receiver().requests()).toHaveLength(2);
  });

  it("a wait ends at the abort of a transport the work used, with the abort's reason, and at shutdown", async () => {
    const transport = transportFor();
    const work = new DeliveryWork();
    await transport.send(BODY, later(), { work });
    const waiting = work.wait(60_000);
    transport.abortInFlight();
    expect(await waiting).toBe('flush-deadline');
    // Once ended, a later wait of the same work does not wait at all.
    expect(await work.wait(60_000)).toBe('flush-deadline');

    const next = new DeliveryWork();
    await transport.send(BODY, later(), { work: next });
    const shutdownWait = next.wait(60_000);
    transport.shutdown();
    expect(await shutdownWait).toBe('shutdown');
  });

  it('a wait of work never aborted runs its time and says nothing', async () => {
    const transport = transportFor();
    const work = new DeliveryWork();
    await transport.send(BODY, later(), { work });
    expect(await work.wait(20)).toBeUndefined();
  });
});
