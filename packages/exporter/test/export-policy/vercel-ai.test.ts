import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { StoredEvent } from '@otel-langfuse/receiver';
import { generateText, stepCountIs, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createExportPolicyProcessor } from '../../src/index.js';
import { exporterFor, useContextManager, useExporterTestBed } from '../helpers.js';
import { toolCallingModel } from '../vercel-ai-fixtures.js';
import { httpClientAttributes, httpServerAttributes, INNER_KINDS, innerProcessor, inSpan, tracers } from './policy-helpers.js';

/*
 * The real Vercel AI SDK (`ai` 6, mock model from `ai/test`, `experimental_telemetry` on) inside an HTTP server
 * span, with the tool making an HTTP client call: the default policy drops the HTTP spans and the AI SDK's
 * observations still form one connected tree in the receiver.
 */

useContextManager();

const { receiver } = useExporterTestBed();

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

const NOT_OBSERVATIONS = new Set(['trace-create', 'score-create', 'sdk-log']);

describe.each(INNER_KINDS)('the Vercel AI SDK inside HTTP spans, through a %s processor', (kind) => {
  it('HTTP spans are dropped; the generations and the tool call hang under ai.generateText, the trace root', async () => {
    const exporter = exporterFor(receiver());
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'chat-api' }),
      spanProcessors: [createExportPolicyProcessor(innerProcessor(kind, exporter))],
    });
    const t = tracers(provider);
    const weather = tool({
      description: 'Current weather of a city',
      inputSchema: z.object({ city: z.string() }),
      // The tool calls a weather API: an HTTP client span, dropped.
      execute: ({ city }) =>
        inSpan(t.http, 'GET', { kind: SpanKind.CLIENT, attributes: httpClientAttributes }, () => ({ city, temperature: 20 })),
    });

    let traceId = '';
    await inSpan(t.http, 'POST /chat', { kind: SpanKind.SERVER, attributes: httpServerAttributes }, async (server) => {
      traceId = server.spanContext().traceId;
      const result = await generateText({
        model: toolCallingModel(usage, 'Sunny.'),
        prompt: 'Weather in Paris?',
        tools: { weather },
        stopWhen: stepCountIs(3),
        experimental_telemetry: { isEnabled: true, tracer: provider.getTracer('ai'), functionId: 'weather-bot' },
      });
      expect(result.text).toBe('Sunny.');
    });
    await provider.forceFlush();
    await exporter.forceFlush();

    const stored = receiver().eventsForTrace(traceId);
    const observations = stored.filter((e) => !NOT_OBSERVATIONS.has(e.type));
    const named = (name: string): StoredEvent[] => observations.filter((o) => o.body['name'] === name);
    const [outer] = named('weather-bot:ai.generateText');
    expect(outer).toBeDefined();
    expect(outer!.body['parentObservationId']).toBeUndefined();

    const generations = observations.filter((o) => o.type === 'generation-create');
    expect(generations).toHaveLength(2);
    for (const generation of generations) {
      expect(generation.body).toMatchObject({ parentObservationId: outer!.body.id, model: 'mock-model-id' });
    }
    const tools = observations.filter((o) => o.type === 'tool-create');
    expect(tools).toHaveLength(1);
    expect(tools[0]!.body).toMatchObject({ name: 'weather', parentObservationId: outer!.body.id });
    // The HTTP server span and the tool's HTTP client span were not sent.
    expect(observations).toHaveLength(4);
    expect(observations.some((o) => String(o.body['name']).startsWith('POST') || o.body['name'] === 'GET')).toBe(false);

    const traces = stored.filter((e) => e.type === 'trace-create');
    expect(traces.some((t) => t.body.id === traceId && typeof t.body['timestamp'] === 'string')).toBe(true);
    expect(receiver().contractViolations()).toEqual([]);
    await provider.shutdown();
  });
});
