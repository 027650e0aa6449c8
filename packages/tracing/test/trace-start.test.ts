import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { injectTraceContext, langfuse, withTraceContext } from '../src/index.js';
import { spanRecorder, useTracingTestBed } from './helpers.js';

// Langfuse fixes a trace's timestamp from the first record it processes. A trace whose spans arrive in several
// batches (sync mode: each span as it ends, children first) or from several services must still be stamped with its
// root's start: the root writes it into the tracestate (langfuse=ts:<ms>), which every later span inherits.

const { receiver, setup } = useTracingTestBed();

const ROOT_START = new Date(Date.now() - 5_000);
const ROOT_START_ISO = `${ROOT_START.toISOString().slice(0, -1)}000Z`;

describe("a trace's timestamp is its root's start", () => {
  it.each(['ingestion', 'otlp'] as const)('children sent before their root carry it (%s, sync mode)', async (transport) => {
    const recorder = spanRecorder();
    const handle = setup({ mode: 'sync', transport, spanProcessors: [recorder.processor] });
    const traceId = await langfuse.trace({ name: 'job', startTime: ROOT_START, userId: 'u-1' }, async (t) => {
      await t.span({ name: 'step-1' }, async () => undefined);
      await t.span({ name: 'step-2' }, async () => undefined);
      return t.id;
    });
    await handle.forceFlush();
    for (const span of recorder.spans()) expect(span.spanContext().traceState?.get('langfuse'), span.name).toBe(`ts:${ROOT_START.getTime()}`);
    if (transport === 'ingestion') expect(receiver().trace(traceId)!.trace.timestamp).toBe(ROOT_START_ISO);
  });

  it("a callee's trace-create carries the caller's start, not its own", async () => {
    const handle = setup({ mode: 'sync' });
    const headers: Record<string, string> = {};
    const traceId = langfuse.trace({ name: 'caller', startTime: ROOT_START }, (t) => {
      injectTraceContext(headers);
      return t.id;
    });
    expect(headers['tracestate']).toBe(`langfuse=ts:${ROOT_START.getTime()}`);
    // The callee, as another service would run it: a fresh context continued from the headers.
    context.with(ROOT_CONTEXT, () => withTraceContext(headers, () => langfuse.trace({ name: 'callee' }, () => undefined)));
    await handle.forceFlush();
    const creates = receiver().events().filter((e) => e.type === 'trace-create' && e.body.id === traceId);
    expect(creates.length).toBeGreaterThanOrEqual(2);
    for (const create of creates) expect(create.body['timestamp']).toBe(ROOT_START_ISO);
  });
});
