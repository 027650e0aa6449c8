// One competitor per child process: each sets up its own OpenTelemetry provider (and, for the official SDK, its
// globals) so nothing leaks between them. Imports are dynamic so a child loads only what it measures.
import { MODEL, SESSION_ID, USER_ID, fakeLlm } from './workload.mjs';

export const COMPETITORS = {
  none: 'no tracing',
  otel: 'bare OTel SDK + BatchSpanProcessor + no-op exporter',
  'otel-otlp': "bare OTel SDK + BatchSpanProcessor + OTel's OTLP HTTP exporter (delivering)",
  'ours-noop': 'ours: facade + BatchSpanProcessor + no-op exporter',
  ours: 'ours: setupLangfuse() defaults (legacy ingestion path)',
  'ours-otlp': "ours: setupLangfuse({ transport: 'otlp' }) (JSON + gzip)",
  'ours-otlp-protobuf': "ours: setupLangfuse({ transport: 'otlp', otlpEncoding: 'protobuf' }) (protobuf + gzip)",
  'official-noop': 'official v5: LangfuseSpanProcessor({ exporter: no-op })',
  official: 'official v5: @langfuse/tracing + @langfuse/otel (OTLP JSON)',
};

/** An exporter that accepts everything at once (what "bare OTel" pays for is the SDK and the processor, not I/O). */
export const noopExporter = {
  export(_spans, callback) {
    callback({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/** Our processor options (maxQueueSize) in the BatchSpanProcessor's terms, for the bare-OTel-style setups. */
const bspOptions = (options) => (options.maxQueueSize ? { maxQueueSize: options.maxQueueSize } : {});

const keys = (receiverUrl) => ({ publicKey: 'pk-lf-local', secretKey: 'sk-lf-local', baseUrl: receiverUrl });

/**
 * Sets up `name` and returns `{ op(payload), single(payload), flush(), shutdown(), stats() }`:
 * `op` is the traced operation (trace + one generation), `single` a trace with only its root span.
 * `options` (processor options such as maxQueueSize/flushInterval) apply to ours and the official SDK.
 */
export async function setupCompetitor(name, receiverUrl, options = {}) {
  switch (name) {
    case 'none':
      return {
        op: async (payload) => {
          const answer = await (async () => fakeLlm(payload))();
          return answer;
        },
        single: async (payload) => payload.answer,
        flush: async () => {},
        shutdown: async () => {},
        stats: () => undefined,
      };
    case 'otel':
      return setupBareOtel(options);
    case 'otel-otlp':
      return setupBareOtel(options, await otlpExporter(receiverUrl));
    case 'ours-noop':
      return setupOursNoop(options);
    case 'ours':
    case 'ours-otlp':
    case 'ours-otlp-protobuf':
      return setupOurs(receiverUrl, { transport: name === 'ours' ? 'auto' : 'otlp', ...(name === 'ours-otlp-protobuf' ? { otlpEncoding: 'protobuf' } : {}), ...options });
    case 'official':
    case 'official-noop':
      // The official processor has no queue option: the parent sets OTEL_BSP_MAX_QUEUE_SIZE instead.
      return setupOfficial({ ...keys(receiverUrl), ...(name === 'official-noop' ? { exporter: noopExporter } : {}), ...officialOptions(options) });
    default:
      throw new Error(`unknown competitor ${name}`);
  }
}

/** Options the official processor takes (flushAt, flushInterval, ...); maxQueueSize/flushOnExit are ours only. */
function officialOptions({ maxQueueSize: _q, flushOnExit: _f, ...rest }) {
  return rest;
}

/** OpenTelemetry's own OTLP/HTTP (JSON) exporter pointed at the receiver's OTLP endpoint: what exporting costs any SDK. */
async function otlpExporter(receiverUrl) {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { publicKey, secretKey } = keys(receiverUrl);
  return new OTLPTraceExporter({
    url: `${receiverUrl}/api/public/otel/v1/traces`,
    headers: { authorization: `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}` },
    // A final flush hands over every queued batch at once; the default (30) would refuse some of them.
    concurrencyLimit: 100,
  });
}

async function setupBareOtel(options, exporter = noopExporter) {
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, bspOptions(options))] });
  provider.register();
  const tracer = provider.getTracer('bench');
  // The same data the Langfuse SDKs record, as plain attributes (JSON strings), so only the framework differs.
  return {
    op: (payload) =>
      tracer.startActiveSpan('request', async (span) => {
        span.setAttribute('user.id', USER_ID);
        span.setAttribute('session.id', SESSION_ID);
        span.setAttribute('input.value', JSON.stringify({ messages: payload.messages }));
        const answer = await tracer.startActiveSpan('llm', async (generation) => {
          generation.setAttribute('gen_ai.request.model', MODEL);
          generation.setAttribute('input.value', JSON.stringify(payload.messages));
          const out = await fakeLlm(payload);
          generation.setAttribute('output.value', out);
          generation.setAttribute('gen_ai.usage.input_tokens', 250);
          generation.setAttribute('gen_ai.usage.output_tokens', 250);
          generation.end();
          return out;
        });
        span.setAttribute('output.value', answer);
        span.end();
        return answer;
      }),
    single: (payload) =>
      tracer.startActiveSpan('single', async (span) => {
        span.setAttribute('input.value', JSON.stringify({ messages: payload.messages }));
        span.setAttribute('output.value', payload.answer);
        span.end();
      }),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    stats: () => undefined,
  };
}

/** Our facade, used the way it is documented. */
export function oursOps(langfuse) {
  return {
    op: (payload) =>
      langfuse.trace({ name: 'request', userId: USER_ID, sessionId: SESSION_ID, input: { messages: payload.messages } }, async (trace) => {
        const answer = await trace.generation(
          { name: 'llm', model: MODEL, modelParameters: { temperature: 0 }, input: payload.messages },
          async (generation) => {
            const out = await fakeLlm(payload);
            generation.update({ output: out, usage: { input: 250, output: 250 } });
            return out;
          },
        );
        trace.update({ output: answer });
        return answer;
      }),
    single: (payload) => langfuse.trace({ name: 'single', input: { messages: payload.messages }, output: payload.answer }, async () => {}),
  };
}

async function setupOursNoop(options) {
  // No setupLangfuse(): the facade traces through the global provider, here one with a no-op exporter.
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { langfuse } = await import('@otel-langfuse/tracing');
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopExporter, bspOptions(options))] });
  provider.register();
  return { ...oursOps(langfuse), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown(), stats: () => undefined };
}

async function setupOurs(receiverUrl, options) {
  const { setupLangfuse, langfuse } = await import('@otel-langfuse/tracing');
  const handle = setupLangfuse({ ...keys(receiverUrl), ...options });
  return { ...oursOps(langfuse), flush: () => handle.forceFlush(), shutdown: () => handle.shutdown(), stats: () => handle.stats() };
}

/** The official SDK v5, set up as its docs show (a NodeTracerProvider with the LangfuseSpanProcessor, registered). */
async function setupOfficial(processorOptions) {
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { LangfuseSpanProcessor } = await import('@langfuse/otel');
  const tracing = await import('@langfuse/tracing');
  const processor = new LangfuseSpanProcessor(processorOptions);
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  return {
    ...officialOps(tracing),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    stats: () => undefined,
  };
}

export function officialOps({ startActiveObservation, propagateAttributes }) {
  return {
    op: (payload) =>
      startActiveObservation('request', (span) =>
        propagateAttributes({ userId: USER_ID, sessionId: SESSION_ID, traceName: 'request' }, async () => {
          span.update({ input: { messages: payload.messages } });
          const answer = await startActiveObservation(
            'llm',
            async (generation) => {
              generation.update({ model: MODEL, modelParameters: { temperature: 0 }, input: payload.messages });
              const out = await fakeLlm(payload);
              generation.update({ output: out, usageDetails: { input: 250, output: 250 } });
              return out;
            },
            { asType: 'generation' },
          );
          span.update({ output: answer });
          return answer;
        }),
      ),
    single: (payload) =>
      startActiveObservation('single', async (span) => {
        span.update({ input: { messages: payload.messages }, output: payload.answer });
      }),
  };
}
