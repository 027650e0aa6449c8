import { context, trace, type Attributes, type HrTime, type Span, type SpanStatus } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { IngestionEvent, ObservationCreateEvent, TraceCreateEvent } from '../../src/wire/ingestion-event.js';
import { createSpanMapper, mergeTraceCreates, type MappingNote, type MappingOptions } from '../../src/mapping/index.js';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const REMOTE_PARENT_ID = '00f067aa0ba902b7';

/** 2024-05-01T12:00:00Z */
export const T0 = 1_714_564_800;
export const START: HrTime = [T0, 123_456_789];
export const END: HrTime = [T0 + 2, 500_000_000];
export const START_ISO = '2024-05-01T12:00:00.123456Z';
export const END_ISO = '2024-05-01T12:00:02.500000Z';

export interface SpanEventSpec {
  name: string;
  attributes?: Attributes;
  time?: HrTime;
}

export interface SpanSpec {
  name?: string;
  attributes?: Attributes;
  events?: SpanEventSpec[];
  /** Recorded with `span.recordException`. */
  exception?: Error | string;
  status?: SpanStatus;
  startTime?: HrTime;
  endTime?: HrTime;
  /** A local parent (a started span) or a remote parent span id (in trace TRACE_ID, or the parent's trace). */
  parent?: Span | { remoteSpanId: string; traceId?: string };
}

export interface SpanRecorder {
  /** Starts a span (optionally left open, to be a local parent). */
  start(spec?: SpanSpec): Span;
  /** Starts and ends a span, and returns it as the exporter sees it. */
  record(spec?: SpanSpec): ReadableSpan;
  finished(): ReadableSpan[];
}

/** Real SDK spans: a BasicTracerProvider with a SimpleSpanProcessor into an InMemorySpanExporter. */
export function createRecorder(
  resource: Attributes = { 'service.name': 'checkout', 'service.version': '1.2.3' },
  scope: { name: string; version?: string } = { name: 'test-scope', version: '0.1.0' },
): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer(scope.name, scope.version);

  function start(spec: SpanSpec = {}): Span {
    let parentContext = context.active();
    const parent = spec.parent;
    if (parent !== undefined) {
      parentContext =
        'remoteSpanId' in parent
          ? trace.setSpanContext(parentContext, {
              traceId: parent.traceId ?? TRACE_ID,
              spanId: parent.remoteSpanId,
              traceFlags: 1,
              isRemote: true,
            })
          : trace.setSpan(parentContext, parent);
    }
    const span = tracer.startSpan(
      spec.name ?? 'operation',
      { attributes: spec.attributes ?? {}, startTime: spec.startTime ?? START },
      parentContext,
    );
    for (const event of spec.events ?? []) span.addEvent(event.name, event.attributes, event.time ?? START);
    if (spec.exception !== undefined) span.recordException(spec.exception, START);
    if (spec.status !== undefined) span.setStatus(spec.status);
    return span;
  }

  return {
    start,
    record(spec = {}) {
      const span = start(spec);
      span.end(spec.endTime ?? END);
      const spans = exporter.getFinishedSpans();
      const last = spans[spans.length - 1];
      if (last === undefined) throw new Error('span was not exported');
      return last;
    },
    finished: () => exporter.getFinishedSpans(),
  };
}

/** The finished span of a started one (ends it first). */
export function endSpan(recorder: SpanRecorder, span: Span, endTime: HrTime = END): ReadableSpan {
  span.end(endTime);
  const spanId = span.spanContext().spanId;
  const found = recorder.finished().find((s) => s.spanContext().spanId === spanId);
  if (found === undefined) throw new Error('span was not exported');
  return found;
}

export interface Mapped {
  events: IngestionEvent[];
  notes: MappingNote[];
  trace: TraceCreateEvent | undefined;
  observation: ObservationCreateEvent;
}

/** Maps one span with a fresh mapper, collecting the notes. */
export function mapSpan(span: ReadableSpan, options: MappingOptions = {}): Mapped {
  const notes: MappingNote[] = [];
  // Merged as the exporter does, so a root's fallback values land in its one trace-create.
  const events = mergeTraceCreates(createSpanMapper(options, (note) => notes.push(note)).map(span));
  const trace = events.find((e): e is TraceCreateEvent => e.type === 'trace-create');
  const observation = events.find(
    (e): e is ObservationCreateEvent => e.type !== 'trace-create' && e.body.id === span.spanContext().spanId,
  );
  if (observation === undefined) throw new Error(`no observation in ${JSON.stringify(events)}`);
  return { events, notes, trace, observation };
}

export function noteCodes(notes: readonly MappingNote[]): string[] {
  return notes.map((n) => n.code);
}
