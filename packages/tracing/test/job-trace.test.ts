import { describe, expect, it } from 'vitest';
import { continueJobTrace, JOB_TRACE_FIELD, langfuse, propagateAttributes, withJobTrace } from '../src/index.js';
import { mergedTrace, observations, treeOf, useTracingTestBed } from './helpers.js';

// withJobTrace()/continueJobTrace() in one process, the job data through JSON as a queue stores it. The whole-stack
// test with real BullMQ, Redis and a worker process is packages/reliability/test/bullmq.test.ts.

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

/** What a queue hands the worker: the data as JSON, read back. */
const stored = <T>(data: T): unknown => JSON.parse(JSON.stringify(data));

describe('withJobTrace / continueJobTrace', () => {
  it('outside a trace the data comes back as it is; inside, a copy carries the trace and leaves the original alone', () => {
    setup({ mode: 'sync' });
    const data = { documentId: 7 };
    expect(withJobTrace(data)).toBe(data);
    langfuse.trace({ name: 'request' }, (trace) => {
      const traced = withJobTrace(data);
      expect(traced).not.toBe(data);
      expect(data).toEqual({ documentId: 7 });
      expect(traced).toMatchObject({ documentId: 7, [JOB_TRACE_FIELD]: { traceparent: expect.stringContaining(trace.id) } });
    });
  });

  it.each(['ingestion', 'otlp'] as const)("continues the producer's trace under the adding span, with its propagateAttributes scope (%s)", async (transport) => {
    const handle = setup({ mode: 'sync', transport });
    const { traceId, job } = propagateAttributes({ userId: 'u-1', tags: ['jobs'] }, () =>
      langfuse.trace({ name: 'request' }, (trace) => trace.span({ name: 'enqueue' }, () => ({ traceId: trace.id, job: stored(withJobTrace({ n: 1 })) }))),
    );
    const result = await continueJobTrace(job, () => langfuse.trace({ name: 'job' }, (trace) => trace.generation({ name: 'llm-call', model: 'm' }, async () => 'done')));
    expect(result).toBe('done');
    await handle.forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual(['generation llm-call <- job', 'span enqueue <- request', 'span job <- enqueue', 'span request <- (root)']);
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({ userId: 'u-1', tags: ['jobs'] });
  });

  it('link mode: a new trace naming the producer in its metadata, with the scope carried', async () => {
    const handle = setup({ mode: 'sync' });
    const { traceId, spanId, job } = propagateAttributes({ sessionId: 's-9' }, () =>
      langfuse.trace({ name: 'request' }, (trace) => trace.span({ name: 'enqueue' }, (span) => ({ traceId: trace.id, spanId: span.id, job: stored(withJobTrace({})) }))),
    );
    const jobTraceId = continueJobTrace(job, () => langfuse.trace({ name: 'job' }, (trace) => trace.id), { mode: 'link' });
    await handle.forceFlush();
    expect(jobTraceId).not.toBe(traceId);
    expect(treeOf(receiver().events(), jobTraceId)).toEqual(['span job <- (root)']);
    expect(mergedTrace(receiver().events(), jobTraceId)).toMatchObject({ sessionId: 's-9', metadata: { linkedTraceId: traceId, linkedObservationId: spanId } });
    expect(observations(receiver().events(), traceId).map((e) => e.body['name']).sort()).toEqual(['enqueue', 'request']);
  });

  it('hostile or missing job trace data: the job runs as a new trace, nothing throws', async () => {
    const handle = setup({ mode: 'sync' });
    const throwing = new Proxy({}, { get: () => { throw new Error('trap'); } });
    const hugeScope = { attributes: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, 'v'])), tags: 'x' };
    const bad: unknown[] = [
      undefined, null, 42, 'text', throwing, { [JOB_TRACE_FIELD]: throwing }, { [JOB_TRACE_FIELD]: 'garbage' },
      { [JOB_TRACE_FIELD]: { traceparent: 42 } }, { [JOB_TRACE_FIELD]: { traceparent: '00-zz-yy-01', propagated: hugeScope } },
      { [JOB_TRACE_FIELD]: { propagated: { attributes: { 'langfuse.user.id': { nested: true } }, tags: [1] } } },
    ];
    const ids: string[] = [];
    for (const data of bad) {
      for (const mode of ['continue', 'link'] as const) {
        ids.push(continueJobTrace(data, () => langfuse.trace({ name: 'job' }, (trace) => trace.id), { mode }));
      }
    }
    await handle.forceFlush();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(treeOf(receiver().events(), id)).toEqual(['span job <- (root)']);
    for (const id of ids) expect(mergedTrace(receiver().events(), id)['metadata']).toBeUndefined();
  });

  it('job data that is not a plain object comes back as it is, with one warning', () => {
    setup({ mode: 'sync' });
    const list = [1, 2];
    const date = new Date(0);
    langfuse.trace({ name: 'request' }, () => {
      expect(withJobTrace(list)).toBe(list);
      expect(withJobTrace(date)).toBe(date);
    });
    expect(logs().lines.filter((l) => l.level === 'warn' && l.message.includes('withJobTrace()'))).toHaveLength(1);
  });
});
