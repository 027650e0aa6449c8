import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { ComponentLogger } from '../../src/diagnostics/component-logger.js';
import type { DeadLetterIngestionRecord, DeadLetterOtlpRecord } from '../../src/losses/dead-letter-record.js';
import { emptyTally, ReplaySender } from '../../src/replay/replay-sender.js';
import { legacyToOtlp } from '../../src/spool/legacy-to-otlp.js';
import type { DeliverableEvent } from '../../src/wire/ingestion-event.js';

const PUBLIC = 'pk-lf-legacy-to-otlp';
const SECRET = 'sk-lf-legacy-to-otlp-secret';
const receivers: TestReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const ROOT = 'b7ad6b7169203331';
const GEN = '00f067aa0ba902b7';
const at = (ms: number) => new Date(Date.UTC(2026, 11, 6, 9, 0, 0, ms)).toISOString();

/** What the legacy path sends for a root span and a generation under it (and a score, which v4 takes there too). */
const EVENTS: DeliverableEvent[] = [
  { id: `${TRACE}-t`, timestamp: at(0), type: 'trace-create', body: { id: TRACE, timestamp: at(0), name: 'checkout', userId: 'user-1', sessionId: 'session-9', tags: ['a', 'b'], input: { q: 'refund?' }, output: 'done', metadata: { plan: 'pro' }, release: 'r1', environment: 'production' } },
  { id: `${GEN}-o`, timestamp: at(5), type: 'generation-create', body: { id: GEN, traceId: TRACE, parentObservationId: ROOT, name: 'llm', startTime: at(5), endTime: at(80), completionStartTime: at(20), model: 'gpt-4o-mini', modelParameters: { temperature: 0.2 }, usageDetails: { input: 12, output: 34 }, input: [{ role: 'user', content: 'refund?' }], output: 'yes', level: 'WARNING', statusMessage: 'slow', environment: 'production' } },
  { id: `${ROOT}-o`, timestamp: at(0), type: 'span-create', body: { id: ROOT, traceId: TRACE, name: 'checkout', startTime: at(0), endTime: at(100), input: 'plain text', metadata: { step: 1 }, environment: 'production' } },
  { id: 'score-1', timestamp: at(100), type: 'score-create', body: { id: 'score-1', traceId: TRACE, name: 'quality', value: 1 } },
] as DeliverableEvent[];

const records = (): DeadLetterIngestionRecord[] => EVENTS.map((event) => ({ v: 1, time: at(200), reason: 'circuit-open', path: 'ingestion', event }));
const sender = (receiver: TestReceiver) =>
  new ReplaySender({ baseUrl: receiver.url, publicKey: PUBLIC, secretKey: SECRET, timeoutMs: 10_000, maxRetries: 0, maxBatchBytes: 3_000_000 }, new ComponentLogger('test'));

describe('spooled legacy events as OTLP spans', () => {
  it('a v4 server stores the same trace from the converted spans as a v3 server from the legacy events', async () => {
    const v3 = await startTestReceiver({ publicKey: PUBLIC, secretKey: SECRET, mode: 'v3', ui: false });
    const v4 = await startTestReceiver({ publicKey: PUBLIC, secretKey: SECRET, mode: 'v4-events-only', ui: false });
    receivers.push(v3, v4);
    const legacy = emptyTally();
    const toV3 = sender(v3);
    await toV3.sendEvents(EVENTS, legacy);
    toV3.shutdown();
    expect(legacy).toMatchObject({ accepted: 4, rejected: {}, failed: {} });

    const converted = legacyToOtlp(records());
    expect(converted.orphans).toBe(0);
    expect(converted.records.map((r) => r.path)).toEqual(['otlp', 'otlp', 'ingestion']);
    const toV4 = sender(v4);
    const otlp = emptyTally();
    await toV4.sendOtlp(converted.records.filter((r): r is DeadLetterOtlpRecord => r.path === 'otlp'), otlp);
    const score = emptyTally();
    await toV4.sendEvents(converted.records.filter((r): r is DeadLetterIngestionRecord => r.path === 'ingestion').map((r) => r.event), score);
    toV4.shutdown();
    expect(otlp).toMatchObject({ accepted: 2, rejected: {}, failed: {} });
    expect(score).toMatchObject({ accepted: 1, rejected: {}, failed: {} });

    const before = v3.trace(TRACE)!;
    const after = v4.trace(TRACE)!;
    expect(after.trace).toMatchObject({ name: 'checkout', userId: 'user-1', sessionId: 'session-9', tags: ['a', 'b'], input: { q: 'refund?' }, output: 'done', release: 'r1' });
    expect(after.trace.metadata).toMatchObject({ plan: 'pro' });
    const fields = ({ id, type, name, parentObservationId, startTime, endTime, completionStartTime, level, statusMessage, model, modelParameters, usageDetails, input, output }: (typeof after.observations)[number]) => ({
      id, type, name, parentObservationId, level, statusMessage, model, modelParameters, usageDetails, input, output,
      // The OTLP path writes times to the microsecond: the same instants.
      times: [startTime, endTime, completionStartTime].map((t) => (t === undefined ? undefined : Date.parse(t))),
    });
    expect(after.observations.map(fields)).toEqual(before.observations.map(fields));
    expect(after.observations.find((o) => o.id === ROOT)?.metadata).toMatchObject({ step: 1 });
    expect(after.scores.map((s) => s.name)).toEqual(['quality']);
  });

  it("a trace-create without a span of its trace among the records is counted, not sent as a span of its own", () => {
    const [traceCreate] = records();
    const result = legacyToOtlp([traceCreate!]);
    expect(result).toEqual({ records: [], orphans: 1 });
  });
});
