import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { langfuse } from '../src/index.js';
import { resetOtelGlobals, setupFor } from './helpers.js';

let receiver: TestReceiver;
beforeEach(async () => {
  receiver = await startTestReceiver({ mode: 'v4-events-only' });
});
afterEach(async () => {
  resetOtelGlobals();
  await receiver.close();
});

const scores = () => receiver.eventsOfType('score-create').map((e) => e.body);

describe('scores from the facade', () => {
  it('score a trace, an observation and a session, delivered by forceFlush on every server version', async () => {
    const tracing = setupFor(receiver, { transport: 'auto' });
    const { traceId, generationId } = langfuse.trace({ name: 'answer' }, (t) => {
      t.score({ name: 'user-feedback', value: 1, comment: 'thumbs up' });
      const generationId = t.generation({ name: 'llm', model: 'm' }, (g) => {
        g.score({ name: 'hallucination', value: false });
        return g.id;
      });
      return { traceId: t.id, generationId };
    });
    langfuse.score({ sessionId: 'session-9', name: 'csat', value: 'happy', dataType: 'CATEGORICAL' });
    await tracing.forceFlush();
    expect(scores()).toEqual([
      expect.objectContaining({ name: 'user-feedback', value: 1, traceId, comment: 'thumbs up' }),
      expect.objectContaining({ name: 'hallucination', value: 0, dataType: 'BOOLEAN', traceId, observationId: generationId }),
      expect.objectContaining({ name: 'csat', value: 'happy', sessionId: 'session-9' }),
    ]);
    await tracing.shutdown();
  });

  it('drop scores of traces that sampling dropped, keep the others', async () => {
    const tracing = setupFor(receiver, { sampleRate: 0.5 });
    const traceIds: { id: string; recorded: boolean }[] = [];
    for (let i = 0; i < 40; i++) {
      langfuse.trace({ name: `t${i}` }, (t) => {
        t.score({ name: 'handle-score', value: i });
        traceIds.push({ id: t.id, recorded: t.isRecording });
      });
    }
    for (const { id } of traceIds) langfuse.score({ traceId: id, name: 'by-id', value: 1 });
    await tracing.shutdown();
    const kept = new Set(traceIds.filter((t) => t.recorded).map((t) => t.id));
    expect(kept.size).toBeGreaterThan(0);
    expect(kept.size).toBeLessThan(40);
    const scored = scores();
    expect(new Set(scored.filter((s) => s['name'] === 'handle-score').map((s) => s['traceId']))).toEqual(kept);
    expect(new Set(scored.filter((s) => s['name'] === 'by-id').map((s) => s['traceId']))).toEqual(kept);
  });

  it('never throw without a setup or with bad input', () => {
    expect(() => langfuse.score({ traceId: 'x', name: 'n', value: 1 })).not.toThrow();
    expect(() => langfuse.score(null as never)).not.toThrow();
    expect(langfuse.trace({ name: 'off' }, (t) => t.score({ name: 'n', value: 1 }) && 'ran')).toBe('ran');
  });
});
