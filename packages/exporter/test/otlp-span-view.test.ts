import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTestReceiver, type TestReceiver } from '@otel-langfuse/test-support';
import { createOtlpSpanView, type OtlpSpanViewOptions } from '../src/delivery/otlp/otlp-span-view.js';
import type { NoteCode } from '../src/mapping/notes.js';
import { exportSpans, exporterFor, succeeded } from './helpers.js';

function spanWith(attributes: Attributes, resource: Attributes = {}, build?: (span: import('@opentelemetry/api').Span) => void): ReadableSpan {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const span = provider.getTracer('t').startSpan('s', { attributes });
  build?.(span);
  span.end();
  return memory.getFinishedSpans()[0]!;
}

function viewWith(options: Partial<OtlpSpanViewOptions> = {}): { view: (span: ReadableSpan) => ReadableSpan; notes: NoteCode[] } {
  const notes: NoteCode[] = [];
  return { view: createOtlpSpanView({ onMaskFailure: () => {}, note: (code) => notes.push(code), ...options }), notes };
}

describe('the span the OTLP path sends', () => {
  it('carries the exporter environment (normalized) and release when neither span nor resource names them', () => {
    const { view } = viewWith({ environment: 'Staging', release: 'r-7' });
    const viewed = view(spanWith({ a: 1 }));
    expect(viewed.attributes['langfuse.environment']).toBe('staging');
    expect(viewed.attributes['langfuse.release']).toBe('r-7');
    expect(viewed.attributes['a']).toBe(1);
  });

  it("leaves the span's or resource's own environment and release as they are", () => {
    const { view } = viewWith({ environment: 'staging', release: 'r-7' });
    expect(view(spanWith({ 'langfuse.environment': 'prod', 'langfuse.release': 'mine' })).attributes).toMatchObject({
      'langfuse.environment': 'prod',
      'langfuse.release': 'mine',
    });
    const fromResource = view(spanWith({}, { 'deployment.environment.name': 'qa', 'langfuse.release': 'res' }));
    expect(fromResource.attributes['langfuse.environment']).toBeUndefined();
    expect(fromResource.attributes['langfuse.release']).toBeUndefined();
  });

  it('returns a span that needs nothing as it is', () => {
    const span = spanWith({ a: 1 });
    expect(viewWith().view(span)).toBe(span);
  });

  it('normalizes a prompt link as the legacy mapping does, with the same notes', () => {
    const { view, notes } = viewWith();
    expect(view(spanWith({ 'langfuse.observation.prompt.name': 'p', 'langfuse.observation.prompt.version': '3' })).attributes['langfuse.observation.prompt.version']).toBe(3);
    const halfLink = view(spanWith({ 'langfuse.observation.prompt.name': 'p' })).attributes;
    expect('langfuse.observation.prompt.name' in halfLink).toBe(false);
    const floatVersion = view(spanWith({ 'langfuse.observation.prompt.name': 'p', 'langfuse.observation.prompt.version': 1.5 })).attributes;
    expect('langfuse.observation.prompt.name' in floatVersion || 'langfuse.observation.prompt.version' in floatVersion).toBe(false);
    expect(notes).toEqual(['prompt-incomplete', 'prompt-version-invalid']);
  });

  it('sends the completion start time as an ISO string, or not at all', () => {
    const { view, notes } = viewWith();
    expect(view(spanWith({ 'langfuse.observation.completion_start_time': 1_700_000_000_000 })).attributes).not.toHaveProperty(
      'langfuse.observation.completion_start_time',
    );
    expect(view(spanWith({ 'langfuse.observation.completion_start_time': '"2025-01-02T03:04:05.678Z"' })).attributes['langfuse.observation.completion_start_time']).toBe(
      '2025-01-02T03:04:05.678Z',
    );
    expect(notes).toEqual(['completion-start-time-invalid']);
  });

  it('writes a recorded exception as the status message when the span has none', () => {
    const { view } = viewWith();
    const recorded = view(spanWith({}, {}, (span) => span.recordException(new Error('boom'))));
    expect(recorded.attributes['langfuse.observation.status_message']).toBe('boom');
    const withStatus = view(
      spanWith({}, {}, (span) => {
        span.recordException(new Error('boom'));
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
      }),
    );
    expect(withStatus.attributes['langfuse.observation.status_message']).toBeUndefined();
  });
});

describe('environment and release over OTLP, as on the legacy path', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = await startTestReceiver({ mode: 'v3' });
  });
  afterEach(() => receiver.close());

  function traceSpans(): ReadableSpan[] {
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('app');
    const root = tracer.startSpan('root');
    const child = tracer.startSpan('child', { attributes: { 'langfuse.user.id': 'u-1' } }, trace.setSpan(context.active(), root));
    child.recordException(new Error('went wrong'));
    child.end();
    root.end();
    return memory.getFinishedSpans();
  }

  it.each(['ingestion', 'otlp'] as const)('transport %s stores the trace and its observations in the exporter environment with its release', async (transport) => {
    const exporter = exporterFor(receiver, { transport, environment: 'staging', release: 'r-42' });
    const spans = traceSpans();
    expect(succeeded(await exportSpans(exporter, spans))).toBe(true);
    await exporter.shutdown();
    const stored = receiver.trace(spans[0]!.spanContext().traceId)!;
    expect(stored.trace).toMatchObject({ environment: 'staging', release: 'r-42', userId: 'u-1' });
    expect(stored.observations.map((o) => o.environment)).toEqual(['staging', 'staging']);
    expect(stored.observations.find((o) => o.name === 'child')?.statusMessage).toBe('went wrong');
  });
});
