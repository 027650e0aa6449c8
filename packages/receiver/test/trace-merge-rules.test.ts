import { describe, expect, it } from 'vitest';
import { traceCreate } from './event-builders.js';
import { ingest } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';

// The server's worker merges each batch it processes into the trace record stored before, in envelope-timestamp
// order within the batch; `timestamp` and `environment` keep their first value; a missing `public` is written as false.

const receiver = useReceiver();
const at = (seconds: number) => ({ timestamp: `2026-01-01T00:00:${String(seconds).padStart(2, '0')}.000Z` });

describe('a trace stored as the server merges it', () => {
  it('keeps the timestamp of the first batch processed, even when a later batch holds an earlier one', async () => {
    await ingest(receiver(), [traceCreate({ id: 't1', userId: 'u', timestamp: '2026-01-01T00:00:05.000Z' }, at(6))]);
    await ingest(receiver(), [traceCreate({ id: 't1', name: 'root', timestamp: '2026-01-01T00:00:01.000Z' }, at(1))]);
    expect(receiver().trace('t1')?.trace).toMatchObject({ timestamp: '2026-01-01T00:00:05.000Z', name: 'root', userId: 'u' });
  });

  it('within one batch, takes the timestamp of the earliest envelope', async () => {
    await ingest(receiver(), [
      traceCreate({ id: 't2', timestamp: '2026-01-01T00:00:05.000Z' }, at(6)),
      traceCreate({ id: 't2', timestamp: '2026-01-01T00:00:01.000Z' }, at(1)),
    ]);
    expect(receiver().trace('t2')?.trace.timestamp).toBe('2026-01-01T00:00:01.000Z');
  });

  it('applies a later batch after an earlier one whatever their envelope times', async () => {
    await ingest(receiver(), [traceCreate({ id: 't3', name: 'second' }, at(9))]);
    await ingest(receiver(), [traceCreate({ id: 't3', name: 'third' }, at(2))]);
    expect(receiver().trace('t3')?.trace.name).toBe('third');
  });

  it('stores a trace as not public when the last trace-create processed does not say public', async () => {
    await ingest(receiver(), [traceCreate({ id: 't4', public: true }, at(1)), traceCreate({ id: 't4', userId: 'u' }, at(2))]);
    expect(receiver().trace('t4')?.trace.public).toBe(false);
    await ingest(receiver(), [traceCreate({ id: 't5', userId: 'u' }, at(1)), traceCreate({ id: 't5', public: true }, at(2))]);
    expect(receiver().trace('t5')?.trace.public).toBe(true);
  });
});
