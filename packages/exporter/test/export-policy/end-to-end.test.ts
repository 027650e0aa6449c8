import { context, SpanKind } from '@opentelemetry/api';
import type { StoredEvent } from '@otel-langfuse/receiver';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createExportPolicyProcessor, type LangfuseSpanExporter } from '../../src/index.js';
import { exporterFor, useContextManager, useExporterTestBed } from '../helpers.js';
import {
  generationAttributes,
  handleChatRequest,
  httpServerAttributes,
  INNER_KINDS,
  innerProcessor,
  inSpan,
  remoteParentContext,
  tracers,
  type InnerKind,
} from './policy-helpers.js';

useContextManager();

const { receiver } = useExporterTestBed();

const NOT_OBSERVATIONS = new Set(['trace-create', 'score-create', 'sdk-log']);
const observationsOf = (events: StoredEvent[]) => events.filter((e) => !NOT_OBSERVATIONS.has(e.type));
const traceCreatesOf = (events: StoredEvent[]) => events.filter((e) => e.type === 'trace-create');

/** Every parentObservationId names an observation of the same trace. */
function expectConnected(observations: StoredEvent[]): void {
  const ids = new Set(observations.map((o) => o.body.id));
  for (const o of observations) {
    const parent = o.body['parentObservationId'];
    if (parent !== undefined) expect(ids.has(String(parent)), `parent of ${String(o.body['name'])}`).toBe(true);
  }
}

function setup(kind: InnerKind): { provider: BasicTracerProvider; exporter: LangfuseSpanExporter } {
  const exporter = exporterFor(receiver());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-api' }),
    spanProcessors: [createExportPolicyProcessor(innerProcessor(kind, exporter))],
  });
  return { provider, exporter };
}

describe.each(INNER_KINDS)('end to end through a %s processor, the real exporter and the receiver', (kind) => {
  it('HTTP spans are filtered; the stored observations form one connected tree with a trace-create', async () => {
    const { provider, exporter } = setup(kind);
    const ids = await handleChatRequest(provider);
    await provider.forceFlush();
    await exporter.forceFlush();

    const stored = receiver().eventsForTrace(ids.traceId);
    const observations = observationsOf(stored);
    expect(observations.map((o) => o.body.id).sort()).toEqual([ids.facade, ids.generation].sort());
    const facade = observations.find((o) => o.body.id === ids.facade)!;
    const generation = observations.find((o) => o.body.id === ids.generation)!;
    expect(facade.type).toBe('span-create');
    expect(facade.body['parentObservationId']).toBeUndefined();
    expect(generation.type).toBe('generation-create');
    expect(generation.body).toMatchObject({ parentObservationId: ids.facade, model: 'gpt-test', traceId: ids.traceId });
    expectConnected(observations);

    const traces = traceCreatesOf(stored);
    expect(traces.length).toBeGreaterThanOrEqual(1);
    expect(traces.every((t) => t.body.id === ids.traceId)).toBe(true);
    expect(traces.some((t) => typeof t.body['timestamp'] === 'string')).toBe(true);
    // Nothing of the dropped spans arrived, and the internal marker is not shown as metadata.
    expect(receiver().events().some((e) => e.body.id === ids.server || e.body.id === ids.client)).toBe(false);
    expect(JSON.stringify(facade.body['metadata'] ?? {})).not.toContain('as_root');
    expect(receiver().contractViolations()).toEqual([]);
    await provider.shutdown();
  });

  it('under a remote parent, the kept span keeps it: a trace-create for this service part, no trace root', async () => {
    const { provider, exporter } = setup(kind);
    const t = tracers(provider);
    const remote = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1, isRemote: true };
    let generationId = '';
    await context.with(remoteParentContext(remote), () =>
      inSpan(t.http, 'POST /chat', { kind: SpanKind.SERVER, attributes: httpServerAttributes }, () =>
        inSpan(t.app, 'chat', { attributes: generationAttributes }, (g) => {
          generationId = g.spanContext().spanId;
        }),
      ),
    );
    await provider.forceFlush();
    await exporter.forceFlush();
    const stored = receiver().eventsForTrace(remote.traceId);
    const observations = observationsOf(stored);
    expect(observations).toHaveLength(1);
    expect(observations[0]!.body).toMatchObject({ id: generationId, parentObservationId: remote.spanId });
    expect(traceCreatesOf(stored).length).toBeGreaterThanOrEqual(1);
    await provider.shutdown();
  });
});
