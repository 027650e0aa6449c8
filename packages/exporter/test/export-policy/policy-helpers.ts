import { context, SpanKind, trace, type Attributes, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createExportPolicyProcessor, type ExportPolicyOptions, type ExportPolicyProcessor } from '../../src/index.js';

export type InnerKind = 'simple' | 'batch';
export const INNER_KINDS: InnerKind[] = ['simple', 'batch'];

export function innerProcessor(kind: InnerKind, exporter: SpanExporter): SpanProcessor {
  return kind === 'simple'
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter, { maxExportBatchSize: 3, scheduledDelayMillis: 60_000, maxQueueSize: 100_000 });
}

/** Memory that survives shutdown (InMemorySpanExporter forgets everything when shut down). */
export class RecordingExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface PolicySetup {
  provider: BasicTracerProvider;
  processor: ExportPolicyProcessor;
  exporter: InMemorySpanExporter;
  /** Flushes the provider, then returns what reached the exporter. */
  flushed(): Promise<ReadableSpan[]>;
}

/** A provider whose only processor is the export policy in front of a Simple or Batch processor recording into memory. */
export function policySetup(kind: InnerKind, options: ExportPolicyOptions = {}): PolicySetup {
  const exporter = new RecordingExporter();
  const processor = createExportPolicyProcessor(innerProcessor(kind, exporter), options);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-api' }),
    spanProcessors: [processor],
  });
  return {
    provider,
    processor,
    exporter,
    flushed: async () => {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}

export const HTTP_SCOPE = '@opentelemetry/instrumentation-http';

/** Tracers shaped like the producers in a typical LLM app. */
export function tracers(provider: BasicTracerProvider): { http: Tracer; facade: Tracer; app: Tracer; db: Tracer } {
  return {
    http: provider.getTracer(HTTP_SCOPE, '0.223.0'),
    facade: provider.getTracer('langfuse-sdk', '0.1.0'),
    app: provider.getTracer('chat-app', '1.0.0'),
    db: provider.getTracer('@opentelemetry/instrumentation-pg', '0.60.0'),
  };
}

export const httpServerAttributes: Attributes = {
  'http.request.method': 'POST',
  'url.path': '/chat',
  'url.scheme': 'http',
  'http.route': '/chat',
  'http.response.status_code': 200,
};
export const httpClientAttributes: Attributes = {
  'http.request.method': 'POST',
  'server.address': 'api.openai.example',
  'url.full': 'https://api.openai.example/v1/chat/completions',
  'http.response.status_code': 200,
};
export const generationAttributes: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-test',
  'gen_ai.usage.input_tokens': 12,
  'gen_ai.usage.output_tokens': 5,
};

/** Runs `fn` inside an active span that ends when `fn` settles. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

export interface ChainIds {
  traceId: string;
  server: string;
  facade: string;
  client: string;
  generation: string;
}

/**
 * HTTP server span (dropped) → facade span (kept) → HTTP client span (dropped) → generation (kept), each ending
 * after its children, as real code nests them.
 */
export async function handleChatRequest(provider: BasicTracerProvider): Promise<ChainIds> {
  const t = tracers(provider);
  const ids: Partial<ChainIds> = {};
  await inSpan(t.http, 'POST /chat', { kind: SpanKind.SERVER, attributes: httpServerAttributes }, async (server) => {
    ids.server = server.spanContext().spanId;
    ids.traceId = server.spanContext().traceId;
    await inSpan(t.facade, 'chat-turn', { attributes: { 'langfuse.observation.type': 'span' } }, async (facade) => {
      ids.facade = facade.spanContext().spanId;
      await inSpan(t.http, 'POST', { kind: SpanKind.CLIENT, attributes: httpClientAttributes }, async (client) => {
        ids.client = client.spanContext().spanId;
        await inSpan(t.app, 'chat gpt-test', { kind: SpanKind.CLIENT, attributes: generationAttributes }, async (generation) => {
          ids.generation = generation.spanContext().spanId;
          await new Promise((resolve) => setTimeout(resolve, 1));
        });
      });
    });
  });
  return ids as ChainIds;
}

export const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
export const parentIdOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
export const byId = (spans: readonly ReadableSpan[], id: string): ReadableSpan | undefined => spans.find((s) => idOf(s) === id);

/** A context with a remote parent, as a propagator extracts it from another service's request. */
export function remoteParentContext(parent: SpanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true }) {
  return trace.setSpanContext(context.active(), parent);
}

/**
 * Checks that the spans form trees without orphans: every local parent reference names a span in the set.
 * Returns the ids of the roots (no parent or a remote one).
 */
export function rootsOf(spans: readonly ReadableSpan[]): string[] {
  const ids = new Set(spans.map(idOf));
  const roots: string[] = [];
  for (const span of spans) {
    const parent = span.parentSpanContext;
    if (parent === undefined || parent.isRemote === true) roots.push(idOf(span));
    else if (!ids.has(parent.spanId)) throw new Error(`span ${span.name} (${idOf(span)}) is orphaned: parent ${parent.spanId} was not sent`);
  }
  return roots;
}
