import { createRequire } from 'node:module';
import { createSpanMapper, mergeTraceCreates } from '@otel-langfuse/exporter/mapping';
import { describe, expect, it } from 'vitest';
import { exportOtlp } from './otlp-client.js';
import type { ReadableSpan } from './otlp-payloads.js';
import { useReceiver } from './use-receiver.js';
import { asLegacyTableTraceCreate } from '../src/otlp/legacy-table-trace-update.js';

// Real SDK spans serialized by OpenTelemetry's own @opentelemetry/otlp-transformer (what the exporter's OTLP transport
// sends). The receiver package does not depend on the SDK, so the modules are loaded from the exporter package,
// which does; with them as devDependencies of the receiver these would be plain imports.

interface SdkSpan {
  setAttribute(key: string, value: unknown): void;
  addEvent(name: string, attributes?: Record<string, unknown>, time?: [number, number]): void;
  recordException(exception: Error, time?: [number, number]): void;
  setStatus(status: { code: number; message?: string }): void;
  spanContext(): { traceId: string; spanId: string };
  end(time?: [number, number]): void;
}
interface Tracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Record<string, unknown>; startTime?: [number, number] }, context?: unknown): SdkSpan;
}
interface Sdk {
  api: {
    ROOT_CONTEXT: unknown;
    trace: { setSpan(context: unknown, span: SdkSpan): unknown; setSpanContext(context: unknown, spanContext: object): unknown };
  };
  sdk: {
    BasicTracerProvider: new (config: object) => { getTracer(name: string, version?: string): Tracer };
    InMemorySpanExporter: new () => { getFinishedSpans(): ReadableSpan[] };
    SimpleSpanProcessor: new (exporter: object) => object;
  };
  resources: { resourceFromAttributes(attributes: Record<string, unknown>): object };
  transformer: {
    ProtobufTraceSerializer: { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined };
    JsonTraceSerializer: { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined };
  };
}

function loadSdk(): Sdk | undefined {
  const require = createRequire(new URL('../../exporter/package.json', import.meta.url));
  try {
    return {
      api: require('@opentelemetry/api') as Sdk['api'],
      sdk: require('@opentelemetry/sdk-trace-base') as Sdk['sdk'],
      resources: require('@opentelemetry/resources') as Sdk['resources'],
      transformer: require('@opentelemetry/otlp-transformer') as Sdk['transformer'],
    };
  } catch {
    return undefined;
  }
}

const otel = loadSdk();
const T0 = 1_714_564_800;

/** A small application trace with everything the mapping reads, plus a remote-parented and an orphaned span. */
function recordSpans(sdk: Sdk): { spans: ReadableSpan[]; openParentId: string } {
  const exporter = new sdk.sdk.InMemorySpanExporter();
  const provider = new sdk.sdk.BasicTracerProvider({
    resource: sdk.resources.resourceFromAttributes({ 'service.name': 'shop', 'service.version': '4.1.0', 'deployment.environment.name': 'qa' }),
    spanProcessors: [new sdk.sdk.SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('shop-tracer', '0.9.0');
  const { ROOT_CONTEXT, trace } = sdk.api;

  const root = tracer.startSpan('POST /checkout', {
    kind: 1,
    startTime: [T0, 123_456_789],
    attributes: {
      'langfuse.trace.name': 'checkout',
      'langfuse.user.id': 'user-1',
      'langfuse.trace.tags': ['web', 'beta'],
      'langfuse.trace.metadata': '{"cart":{"items":3}}',
      'langfuse.observation.input': '{"items":[1,2,3]}',
      'http.route': '/checkout',
      'http.status_code': 200,
      'retry.ratio': 0.5,
      'feature.flags': [true, false],
      'sparse.values': ['a', null, 'c'],
      'big.number': 2 ** 60,
    },
  });
  const inRoot = trace.setSpan(ROOT_CONTEXT, root);
  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: 2,
      startTime: [T0 + 1, 999_999_999],
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o',
        'langfuse.observation.model.parameters': '{"temperature":0.2,"stop":["\\n"]}',
        'langfuse.observation.usage_details': '{"input":100,"output":20}',
        'langfuse.observation.cost_details': '{"total":0.002}',
        'langfuse.observation.prompt.name': 'checkout-help',
        'langfuse.observation.prompt.version': 3,
        'langfuse.observation.output': 'Here you go',
      },
    },
    inRoot,
  );
  llm.addEvent('first token', { 'token.index': 0 }, [T0 + 2, 1_000]);
  llm.recordException(new Error('upstream hiccup'), [T0 + 2, 5_000]);
  llm.setStatus({ code: 2, message: 'partial answer' });
  llm.end([T0 + 3, 7]);
  const tool = tracer.startSpan('lookup', { attributes: { 'langfuse.observation.type': 'tool' }, startTime: [T0 + 3, 1] }, inRoot);
  tool.end([T0 + 3, 2]);
  // The parent stays open: the child is exported in this request, the parent never is.
  const openParent = tracer.startSpan('long job', { startTime: [T0 + 4, 0] }, inRoot);
  const orphan = tracer.startSpan('step of long job', { startTime: [T0 + 4, 10] }, trace.setSpan(ROOT_CONTEXT, openParent));
  orphan.end([T0 + 4, 20]);
  root.end([T0 + 5, 0]);

  const remoteContext = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
    isRemote: true,
  });
  const continued = tracer.startSpan('handle message', { kind: 4, startTime: [T0 + 6, 0] }, remoteContext);
  continued.end([T0 + 6, 500]);
  return { spans: exporter.getFinishedSpans(), openParentId: openParent.spanContext().spanId };
}

function expectedEvents(spans: ReadableSpan[]): unknown[] {
  const mapper = createSpanMapper({});
  // The server keeps no span events on OTLP: only each span's own observation (and trace-creates).
  return mergeTraceCreates(
    spans.flatMap((span) => mapper
        .map(span)
        .filter((event) => event.type !== 'event-create' || event.body.id === span.spanContext().spanId)
        // A v3 server stamps trace-creates with the span's start and makes children's trace-creates whole updates.
        .map((event) => asLegacyTableTraceCreate(event, span.parentSpanContext === undefined))),
  );
}

describe.skipIf(otel === undefined)('OTLP from the OpenTelemetry SDK and its own serializers', () => {
  const sdk = otel as Sdk;
  const receiver = useReceiver();

  it.each(['protobuf', 'json'] as const)(
    'stores exactly what the exporter mapping gives for the same spans (%s, gzipped)',
    async (format) => {
      const { spans, openParentId } = recordSpans(sdk);
      expect(spans.map((span) => span.name)).not.toContain('long job');
      const serializer = format === 'json' ? sdk.transformer.JsonTraceSerializer : sdk.transformer.ProtobufTraceSerializer;
      const body = serializer.serializeRequest(spans);
      if (body === undefined) throw new Error('the serializer returned nothing');
      await exportOtlp(receiver(), body, { format, gzip: true });

      expect(receiver().events()).toEqual(expectedEvents(spans));
      expect(receiver().stats()).toMatchObject({ otlpSpans: spans.length, otlpMappingErrors: 0 });

      // The parts most likely to go wrong in transit, checked explicitly.
      const byName = new Map(spans.map((span) => [span.name, span]));
      const observation = (name: string) =>
        receiver().events().find((event) => event.type !== 'trace-create' && event.body.id === byName.get(name)?.spanContext().spanId);
      expect(observation('chat gpt-4o')?.body).toMatchObject({
        startTime: '2024-05-01T12:00:01.999999Z',
        endTime: '2024-05-01T12:00:03.000000Z',
        parentObservationId: byName.get('POST /checkout')?.spanContext().spanId,
        model: 'gpt-4o',
        promptVersion: 3,
      });
      expect(observation('step of long job')?.body.parentObservationId).toBe(openParentId);
      expect(observation('handle message')?.body.parentObservationId).toBe('00f067aa0ba902b7');
      // A local root under a remote parent starts the trace's part here: it gets a trace-create.
      expect(receiver().eventsForTrace('0af7651916cd43dd8448eb211c80319c').map((event) => event.type)).toContain('trace-create');
      const metadata = observation('POST /checkout')?.body.metadata as { attributes: Record<string, unknown> };
      expect(metadata.attributes).toMatchObject({ 'sparse.values': ['a', null, 'c'], 'big.number': 2 ** 60, 'retry.ratio': 0.5 });
    },
  );
});
