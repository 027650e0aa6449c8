import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { continueJobTrace, langfuse, withJobTrace } from '../src/index.js';
import { JOB_TRACE_FIELD } from '../src/jobs/job-trace.js';
import { mergedTrace, spanRecorder, useTracingTestBed } from './helpers.js';

// Link mode's OpenTelemetry span link: the job's new trace root links to the span that added the job, next to the
// metadata link Langfuse shows. Spans are read from an in-memory exporter on the same provider.

const { receiver, setup } = useTracingTestBed();

/** What a queue hands the worker: the data as JSON, read back. */
const stored = <T>(data: T): unknown => JSON.parse(JSON.stringify(data));

function enqueue(): { traceId: string; spanId: string; job: unknown } {
  return langfuse.trace({ name: 'request' }, (t) => t.span({ name: 'enqueue' }, (span) => ({ traceId: t.id, spanId: span.id, job: stored(withJobTrace({})) })));
}

describe('continueJobTrace link mode: an OpenTelemetry span link', () => {
  it.each(['ingestion', 'otlp'] as const)("the job's root span links to the adding span; its children do not; Langfuse gets the metadata (%s)", async (transport) => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', transport, spanProcessors: [recorder.processor] });
    const { traceId, spanId, job } = enqueue();
    // The job's root is another instrumentation's span: the link does not depend on the facade.
    const jobTraceId = continueJobTrace(job, () =>
      trace.getTracer('queue-consumer').startActiveSpan('process summarize', (consumer) => {
        const id = langfuse.generation({ name: 'llm-call', model: 'm' }, (generation) => generation.traceId);
        consumer.end();
        return id;
      }), { mode: 'link' });
    await handle.forceFlush();

    expect(jobTraceId).not.toBe(traceId);
    const root = recorder.byName('process summarize');
    expect(root.spanContext().traceId).toBe(jobTraceId);
    expect(root.links.map((link) => link.context)).toEqual([expect.objectContaining({ traceId, spanId, isRemote: true })]);
    expect(recorder.byName('llm-call').links).toEqual([]);
    expect(recorder.byName('enqueue').links).toEqual([]);
    expect(mergedTrace(receiver().events(), jobTraceId)).toMatchObject({ metadata: { linkedTraceId: traceId, linkedObservationId: spanId } });
  });

  it('each trace the job starts links to the adding span; continue mode and jobs without trace data add none', async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', spanProcessors: [recorder.processor] });
    const { traceId, spanId, job } = enqueue();
    continueJobTrace(job, () => {
      langfuse.trace({ name: 'first' }, () => undefined);
      langfuse.trace({ name: 'second' }, () => undefined);
    }, { mode: 'link' });
    continueJobTrace(job, () => langfuse.trace({ name: 'continued' }, () => undefined));
    continueJobTrace({}, () => langfuse.trace({ name: 'untraced' }, () => undefined), { mode: 'link' });
    await handle.forceFlush();

    for (const name of ['first', 'second']) {
      expect(recorder.byName(name).links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([[traceId, spanId]]);
    }
    expect(recorder.byName('first').spanContext().traceId).not.toBe(recorder.byName('second').spanContext().traceId);
    expect(recorder.byName('continued').links).toEqual([]);
    expect(recorder.byName('untraced').links).toEqual([]);
  });

  it("a linked job run inside another linked job does not inherit the outer job's link", async () => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', spanProcessors: [recorder.processor] });
    const { job } = enqueue();
    // Trace data without a usable caller: the inner job starts a new trace, linked to nothing.
    const unusable = { [JOB_TRACE_FIELD]: { traceparent: 'not a traceparent' } };
    continueJobTrace(job, () => continueJobTrace(unusable, () => langfuse.trace({ name: 'inner' }, () => undefined), { mode: 'link' }), { mode: 'link' });
    await handle.forceFlush();
    expect(recorder.byName('inner').links).toEqual([]);
  });
});
