import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, startTestReceiver, type CapturedDiag, type TestReceiver } from '@otel-langfuse/test-support';
import type { ReceiverMode } from '@otel-langfuse/receiver';
import { exporterFor } from './helpers.js';

let logs: CapturedDiag;
beforeEach(() => {
  logs = captureDiag();
});
afterEach(() => logs.restore());

const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe.each(['v2', 'v3', 'v4-events-only', 'cloud'] as ReceiverMode[])('scores on a %s server', (mode) => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver({ mode });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('are batched into one request, delivered by forceFlush and counted', async () => {
    const exporter = exporterFor(receiver, { transport: 'auto' });
    exporter.score({ traceId: TRACE, name: 'accuracy', value: 0.9, comment: 'good' });
    exporter.score({ traceId: TRACE, observationId: 'b7ad6b7169203331', name: 'helpful', value: true });
    exporter.score({ sessionId: 'session-1', name: 'tone', value: 'friendly', dataType: 'CATEGORICAL' });
    expect(receiver.events()).toHaveLength(0);
    await exporter.forceFlush();
    const scores = receiver.eventsOfType('score-create');
    expect(scores.map((s) => [s.body['name'], s.body['value'], s.body['dataType']])).toEqual([
      ['accuracy', 0.9, undefined],
      ['helpful', 1, 'BOOLEAN'],
      ['tone', 'friendly', 'CATEGORICAL'],
    ]);
    expect(receiver.requests().filter((r) => r.endpoint === 'ingestion')).toHaveLength(1);
    expect(exporter.stats().eventsSent).toBe(3);
    await exporter.shutdown();
  });
});

describe('scores', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('refuse invalid input with one warning, without throwing', async () => {
    const exporter = exporterFor(receiver);
    expect(() => {
      exporter.score({ name: 'no-target', value: 1 });
      exporter.score({ traceId: TRACE, name: '', value: 1 });
      exporter.score({ traceId: TRACE, name: 'nan', value: Number.NaN });
      exporter.score({ traceId: TRACE, name: 'cat', value: 3, dataType: 'CATEGORICAL' });
      exporter.score({ traceId: TRACE, sessionId: 'session-1', name: 'two-targets', value: 1 });
      exporter.score(null as never);
    }).not.toThrow();
    await exporter.forceFlush();
    expect(exporter.stats().eventsRejected['score-invalid']).toBe(6);
    expect(receiver.events()).toHaveLength(0);
    expect(logs.lines.filter((l) => l.message.includes('a score was not sent'))).toHaveLength(1);
    await exporter.shutdown();
  });

  it('keep every data type the server knows, TEXT and CORRECTION included', async () => {
    const exporter = exporterFor(receiver);
    exporter.score({ traceId: TRACE, name: 'n', value: 0.5, dataType: 'NUMERIC' });
    exporter.score({ traceId: TRACE, name: 'b', value: false, dataType: 'BOOLEAN' });
    exporter.score({ traceId: TRACE, name: 'c', value: 'good', dataType: 'CATEGORICAL' });
    exporter.score({ traceId: TRACE, name: 't', value: 'a remark', dataType: 'TEXT' });
    exporter.score({ traceId: TRACE, name: 'fix', value: 'the right answer', dataType: 'CORRECTION' });
    exporter.score({ traceId: TRACE, name: 'text-too-long', value: 'x'.repeat(501), dataType: 'TEXT' });
    exporter.score({ traceId: TRACE, name: 'correction-number', value: 3, dataType: 'CORRECTION' });
    await exporter.forceFlush();
    expect(receiver.eventsOfType('score-create').map((s) => [s.body['name'], s.body['value'], s.body['dataType']])).toEqual([
      ['n', 0.5, 'NUMERIC'],
      ['b', 0, 'BOOLEAN'],
      ['c', 'good', 'CATEGORICAL'],
      ['t', 'a remark', 'TEXT'],
      ['fix', 'the right answer', 'CORRECTION'],
    ]);
    expect(exporter.stats().eventsRejected['score-invalid']).toBe(2);
    await exporter.shutdown();
  });

  it('are delivered by shutdown, and dropped after it', async () => {
    const exporter = exporterFor(receiver);
    exporter.score({ id: 'fixed-id', traceId: TRACE, name: 'final', value: 1 });
    await exporter.shutdown();
    expect(receiver.eventsOfType('score-create').map((s) => s.body['id'])).toEqual(['fixed-id']);
    exporter.score({ traceId: TRACE, name: 'late', value: 1 });
    expect(exporter.stats().eventsDropped['shutdown']).toBe(1);
  });

  it('are retried like any event', async () => {
    receiver.faults.push({ status: 503 });
    const exporter = exporterFor(receiver);
    exporter.score({ traceId: TRACE, name: 'retried', value: 2 });
    await exporter.forceFlush();
    expect(receiver.eventsOfType('score-create')).toHaveLength(1);
    expect(exporter.stats().retries).toBe(1);
    await exporter.shutdown();
  });
});
