import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, SpanStatusCode, trace, type HrTime } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTestReceiver } from '@otel-langfuse/test-support';
import type { AssembledTrace, ReceiverMode } from '@otel-langfuse/receiver';
import type { LangfuseScore } from '../src/index.js';
import { exportSpans, exporterFor, succeeded } from './helpers.js';
import { hrTimeAt, startInTraceState } from './trace-start-sampler.js';

// One scenario, every server kind the receiver models and every transport the exporter would use there: the stored
// trace, observations and scores must be the same field by field.

const T0_MS = Date.UTC(2026, 2, 1, 9, 0, 0, 0);
const at = (offsetMs: number): HrTime => hrTimeAt(T0_MS, offsetMs);

/** The scenario's spans in the three batches they are exported in (children first, the root last). */
function scenario(): { traceId: string; batches: ReadableSpan[][] } {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ sampler: startInTraceState(T0_MS), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('app', '1.2.3');
  const root = tracer.startSpan('handle-request', {
    startTime: at(0),
    attributes: {
      'langfuse.trace.name': 'checkout',
      'langfuse.user.id': 'user-1',
      'langfuse.session.id': 'session-1',
      'langfuse.trace.tags': ['a', 'b'],
      'langfuse.trace.metadata': '{"plan":"pro","region":{"eu":true}}',
      'langfuse.trace.input': '{"cart":3}',
      'langfuse.trace.output': '"ok"',
      'langfuse.trace.public': true,
      'langfuse.version': 'v-7',
    },
  });
  const parent = trace.setSpan(context.active(), root);
  // Batch 1: a GenAI-convention span and a span with events and a recorded exception (status not ERROR).
  const genai = tracer.startSpan('chat small-model', {
    startTime: at(10),
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'small-model',
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 4,
    },
  }, parent);
  genai.end(at(20));
  const tool = tracer.startSpan('lookup', { startTime: at(30), attributes: { 'langfuse.observation.type': 'tool', 'langfuse.observation.input': '{"q":"x"}' } }, parent);
  tool.addEvent('cache-miss', { key: 'k1', attempt: 2 }, at(31));
  tool.recordException(new Error('slow backend'), at(32));
  tool.addEvent('retried', undefined, at(33));
  tool.end(at(40));
  // Batch 2: a generation with every langfuse.* field (a prompt version as text, normalized on both paths) and a
  // child that updates the trace.
  const generation = tracer.startSpan('summarize', {
    startTime: at(50),
    attributes: {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'big-model',
      'langfuse.observation.model.parameters': '{"temperature":0.2,"max_tokens":100,"stream":false}',
      'langfuse.observation.usage_details': '{"input":30,"output":10}',
      'langfuse.observation.cost_details': '{"input":0.03,"output":0.01}',
      'langfuse.observation.prompt.name': 'summary',
      'langfuse.observation.prompt.version': '3',
      'langfuse.observation.completion_start_time': '"2026-03-01T09:00:00.055Z"',
      'langfuse.observation.input': '[{"role":"user","content":"hi"}]',
      'langfuse.observation.output': '{"role":"assistant","content":"hello"}',
      'langfuse.observation.metadata': '{"k":"v"}',
      'langfuse.observation.level': 'WARNING',
      'langfuse.observation.status_message': 'truncated',
    },
  }, parent);
  generation.end(at(60));
  const updater = tracer.startSpan('auth', { startTime: at(70), attributes: { 'langfuse.session.id': 'session-1', 'langfuse.trace.metadata.step': 'auth' } }, parent);
  updater.setStatus({ code: SpanStatusCode.OK });
  updater.end(at(80));
  // Batch 3: the root.
  root.end(at(100));
  const [g, t, gen, u, r] = memory.getFinishedSpans();
  return { traceId: root.spanContext().traceId, batches: [[g!, t!], [gen!, u!], [r!]] };
}

function scores(traceId: string, observationId: string): LangfuseScore[] {
  const timestamp = new Date(T0_MS + 500);
  return [
    { id: 's-num', traceId, name: 'accuracy', value: 0.9, dataType: 'NUMERIC', timestamp },
    { id: 's-bool', traceId, observationId, name: 'valid', value: true, dataType: 'BOOLEAN', timestamp },
    { id: 's-cat', traceId, name: 'tone', value: 'friendly', dataType: 'CATEGORICAL', timestamp },
    { id: 's-text', traceId, name: 'remark', value: 'fine answer', dataType: 'TEXT', timestamp },
    { id: 's-fix', traceId, observationId, name: 'fix', value: 'the corrected text', dataType: 'CORRECTION', timestamp },
  ];
}

type Transport = 'ingestion' | 'otlp' | 'auto';
const CASES: [ReceiverMode, Transport][] = [
  ['v2', 'ingestion'],
  ['v2', 'auto'],
  ['v3', 'ingestion'],
  ['v3', 'otlp'],
  ['v3', 'auto'],
  ['v4-events-only', 'otlp'],
  ['v4-events-only', 'auto'],
  ['cloud', 'otlp'],
  ['cloud', 'auto'],
];

const { traceId, batches } = scenario();
const stored = new Map<string, AssembledTrace>();

async function deliver(mode: ReceiverMode, transport: Transport): Promise<AssembledTrace> {
  const receiver = await startTestReceiver({ mode });
  try {
    const exporter = exporterFor(receiver, { transport, environment: 'staging', release: 'r-9' });
    for (const batch of batches) expect(succeeded(await exportSpans(exporter, batch))).toBe(true);
    for (const score of scores(traceId, batches[1]![0]!.spanContext().spanId)) exporter.score(score);
    await exporter.shutdown();
    return receiver.trace(traceId)!;
  } finally {
    await receiver.close();
  }
}

beforeAll(async () => {
  for (const [mode, transport] of CASES) stored.set(`${mode}/${transport}`, await deliver(mode, transport));
}, 60_000);
afterAll(() => stored.clear());

/**
 * What must not depend on the path: the trace's fields but its timestamp (see below), observations and scores. A v2
 * server knows no `tool` type: the exporter sends it as a span with `metadata.observationType`, read back here.
 */
function comparable(assembled: AssembledTrace): unknown {
  const { timestamp: _timestamp, ...traceFields } = assembled.trace;
  const observations = assembled.observations.map((observation) => {
    const { observationType, ...metadata } = observation.metadata;
    return typeof observationType === 'string' ? { ...observation, type: observationType, metadata } : observation;
  });
  return { trace: traceFields, observations, scores: assembled.scores.map(({ timestamp: _t, ...score }) => score) };
}

describe('the same trace whichever path delivered it', () => {
  const reference = () => comparable(stored.get('v3/ingestion')!);

  it('the reference holds every field the user set', () => {
    const assembled = stored.get('v3/ingestion')!;
    expect(assembled.trace).toMatchObject({
      name: 'checkout',
      userId: 'user-1',
      sessionId: 'session-1',
      tags: ['a', 'b'],
      metadata: { plan: 'pro', region: { eu: true }, step: 'auth' },
      input: { cart: 3 },
      output: 'ok',
      version: 'v-7',
      release: 'r-9',
      environment: 'staging',
      public: true,
      timestamp: '2026-03-01T09:00:00.000000Z',
    });
    const byName = new Map(assembled.observations.map((o) => [o.name, o]));
    expect(byName.get('summarize')).toMatchObject({
      type: 'generation',
      model: 'big-model',
      modelParameters: { temperature: 0.2, max_tokens: 100, stream: false },
      usageDetails: { input: 30, output: 10 },
      costDetails: { input: 0.03, output: 0.01 },
      promptName: 'summary',
      promptVersion: 3,
      completionStartTime: '2026-03-01T09:00:00.055Z',
      level: 'WARNING',
      statusMessage: 'truncated',
      metadata: { k: 'v' },
    });
    expect(byName.get('chat small-model')).toMatchObject({ type: 'generation', model: 'small-model', modelParameters: { max_tokens: 200, temperature: 0.5 } });
    expect(byName.get('lookup')).toMatchObject({ type: 'tool', statusMessage: 'slow backend', level: 'DEFAULT' });
    expect(byName.get('cache-miss')).toMatchObject({ type: 'event', parentObservationId: byName.get('lookup')!.id, metadata: { key: 'k1', attempt: 2 } });
    expect(byName.get('retried')?.type).toBe('event');
    expect(assembled.scores.map((s) => s.dataType)).toEqual(['NUMERIC', 'BOOLEAN', 'CATEGORICAL', 'TEXT', 'CORRECTION']);
  });

  it.each(CASES.filter(([mode, transport]) => !(mode === 'v3' && transport === 'ingestion')))('%s server, transport %s: equal to the reference', (mode, transport) => {
    expect(comparable(stored.get(`${mode}/${transport}`)!)).toEqual(reference());
  });

  it("the trace's timestamp is the root's start on the legacy path (tracestate), the first span's start over OTLP (the server ignores tracestate)", () => {
    for (const [mode, transport] of CASES) {
      const assembled = stored.get(`${mode}/${transport}`)!;
      const path = mode === 'v2' || (mode === 'v3' && transport !== 'otlp') ? 'legacy' : 'otlp';
      // Over OTLP the first trace-create processed comes from batch 1's first span, stamped with its start.
      expect([`${mode}/${transport}`, assembled.trace.timestamp]).toEqual([`${mode}/${transport}`, path === 'legacy' ? '2026-03-01T09:00:00.000000Z' : '2026-03-01T09:00:00.010000Z']);
    }
  });
});
