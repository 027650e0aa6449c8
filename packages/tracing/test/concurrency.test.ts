import { describe, expect, it } from 'vitest';
import { langfuse, type ProcessorMode } from '../src/index.js';
import { mergedTrace, observationNamed, tick, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();

/** A pseudo-random delay per (trace, step), so the traces' awaits interleave differently. */
const jitter = (i: number, step: number) => tick((i * 7 + step * 13) % 5);

describe.each<ProcessorMode>(['batch', 'sync'])('200 concurrent traces (%s)', (mode) => {
  it('give 200 separate, correct trees', async () => {
    const handle = setup({ mode, flushAt: 64 });
    const COUNT = 200;
    const results = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        langfuse.trace({ name: `request-${i}`, userId: `user-${i}`, metadata: { index: i } }, async (t) => {
          await jitter(i, 0);
          await t.span({ name: `fetch-${i}` }, async (span) => {
            await jitter(i, 1);
            await span.generation({ name: `llm-${i}`, model: 'm' }, async () => {
              await jitter(i, 2);
              langfuse.event({ name: `token-${i}` });
              await jitter(i, 3);
            });
            langfuse.updateTrace({ sessionId: `session-${i}` });
          });
          await langfuse.span({ name: `save-${i}` }, () => jitter(i, 4));
          return { i, traceId: t.id };
        }),
      ),
    );
    await handle.forceFlush();
    const stats = handle.stats();
    expect([stats.eventsRejected, stats.eventsDropped, stats.spansExported]).toEqual([{}, {}, COUNT * 5]);

    const events = receiver().events();
    expect(new Set(results.map((r) => r.traceId)).size).toBe(COUNT);
    for (const { i, traceId } of results) {
      expect(treeOf(events, traceId)).toEqual([
        `event token-${i} <- llm-${i}`,
        `generation llm-${i} <- fetch-${i}`,
        `span fetch-${i} <- request-${i}`,
        `span request-${i} <- (root)`,
        `span save-${i} <- request-${i}`,
      ]);
      expect(mergedTrace(events, traceId)).toMatchObject({ name: `request-${i}`, userId: `user-${i}`, sessionId: `session-${i}`, metadata: { index: i } });
      expect(observationNamed(events, `save-${i}`).body.traceId).toBe(traceId);
    }
  });
});
