import { describe, expect, it } from 'vitest';
import { context, trace, type HrTime } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createSpanMapper } from '../../src/mapping/index.js';
import { TRACE_STATE_KEY, traceStartFromState, traceStateValue } from '../../src/mapping/trace-start-state.js';
import type { TraceCreateEvent } from '../../src/wire/ingestion-event.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT_START_MS = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
const SPAN_START: HrTime = [ROOT_START_MS / 1000 + 5, 0];

/** A span under a parent context holding `traceState`, started 5 s after the trace's root. */
function childOf(traceState: string | undefined, isRemote: boolean, attributes = { 'langfuse.user.id': 'u-1' }): ReadableSpan {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
  const parent = trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
    isRemote,
    ...(traceState === undefined ? {} : { traceState: new TraceState(traceState) }),
  });
  tracer.startSpan('child', { attributes, startTime: SPAN_START }, parent).end([SPAN_START[0] + 1, 0]);
  return memory.getFinishedSpans()[0]!;
}

function traceCreate(span: ReadableSpan): TraceCreateEvent | undefined {
  return createSpanMapper({}).map(span).find((event): event is TraceCreateEvent => event.type === 'trace-create');
}

const ROOT_START_ISO = '2026-01-01T12:00:00.250000Z';
const SPAN_START_ISO = '2026-01-01T12:00:05.250000Z';

describe("a trace-create from a span that is not the trace's root", () => {
  it("carries the root's start from tracestate, so the trace's time is right whichever batch arrives first", () => {
    const state = `${TRACE_STATE_KEY}=${traceStateValue(ROOT_START_MS)},other=x`;
    expect(traceCreate(childOf(state, false))?.body.timestamp).toBe(ROOT_START_ISO);
  });

  it("in another service, carries the caller's start (a local root under a remote parent)", () => {
    const state = `${TRACE_STATE_KEY}=${traceStateValue(ROOT_START_MS)}`;
    expect(traceCreate(childOf(state, true, {} as never))?.body.timestamp).toBe(ROOT_START_ISO);
  });

  it("carries the span's own start without such an entry, as the server's OTLP mapping does", () => {
    expect(traceCreate(childOf(undefined, false))?.body.timestamp).toBe(SPAN_START_ISO);
    expect(traceCreate(childOf('vendor=ts:1', false))?.body.timestamp).toBe(SPAN_START_ISO);
  });

  it('ignores an entry that cannot be the start of this trace', () => {
    for (const value of [`ts:${ROOT_START_MS + 60_000}`, 'ts:1', 'ts:abc', 'ts:-5', 'x:1']) {
      expect(traceCreate(childOf(`${TRACE_STATE_KEY}=${value}`, false))?.body.timestamp).toBe(SPAN_START_ISO);
    }
  });
});

describe('traceStartFromState', () => {
  it('reads the ts field among others', () => {
    expect(traceStartFromState(new TraceState(`${TRACE_STATE_KEY}=a:1;ts:${ROOT_START_MS}`), SPAN_START)).toEqual([ROOT_START_MS / 1000 - 0.25, 250_000_000]);
  });
});
