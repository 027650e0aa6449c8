// Registers LangfuseSpanExporter in a plain OpenTelemetry setup and sends one small LLM-style trace.
// With LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL) set, it sends to that Langfuse;
// otherwise it starts the local receiver on 127.0.0.1 and prints what arrived there.
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { LangfuseSpanExporter } from '@otel-langfuse/exporter';
import { startReceiver } from '@otel-langfuse/receiver';

const useRealLangfuse = Boolean(process.env.LANGFUSE_PUBLIC_KEY && process.env.LANGFUSE_SECRET_KEY);
const receiver = useRealLangfuse ? undefined : await startReceiver();
const exporter = new LangfuseSpanExporter(
  receiver ? { publicKey: receiver.publicKey, secretKey: receiver.secretKey, baseUrl: receiver.url } : {},
);

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'exporter-demo' }),
  spanProcessors: [new BatchSpanProcessor(exporter)],
});
provider.register();
const tracer = trace.getTracer('exporter-demo');

const traceId = await tracer.startActiveSpan('answer-question', async (root) => {
  root.setAttributes({
    'langfuse.trace.name': 'answer-question',
    'langfuse.user.id': 'user-42',
    'langfuse.session.id': 'session-7',
    'langfuse.trace.tags': ['demo'],
    'langfuse.observation.input': JSON.stringify({ question: 'What is OpenTelemetry?' }),
  });
  await tracer.startActiveSpan('llm-call', async (llm) => {
    llm.setAttributes({
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'demo-model-1',
      'langfuse.observation.model.parameters': JSON.stringify({ temperature: 0.2 }),
      'langfuse.observation.input': JSON.stringify([{ role: 'user', content: 'What is OpenTelemetry?' }]),
    });
    await new Promise((resolve) => setTimeout(resolve, 25));
    llm.setAttributes({
      'langfuse.observation.output': JSON.stringify({ role: 'assistant', content: 'An observability framework.' }),
      'langfuse.observation.usage_details': JSON.stringify({ input: 12, output: 5, total: 17 }),
    });
    llm.end();
  });
  root.addEvent('answer-ready', { chars: 27 });
  root.setAttribute('langfuse.observation.output', 'An observability framework.');
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();
  return root.spanContext().traceId;
});

// Without shutdown (or forceFlush), spans still queued in the BatchSpanProcessor are lost at exit. It rejects when
// spans could not be delivered (counted in exporter.stats()), so catch it.
await provider.shutdown().catch(() => {});

const stats = exporter.stats();
if (receiver) {
  const events = receiver.eventsForTrace(traceId);
  console.log(`trace ${traceId}: ${events.length} events received by the local receiver at ${receiver.url}`);
  for (const event of events) {
    const { id, name, parentObservationId, model } = event.body;
    console.log(`  ${event.type.padEnd(18)} ${String(name ?? '').padEnd(16)} id=${id}${parentObservationId ? ` parent=${parentObservationId}` : ''}${model ? ` model=${model}` : ''}`);
  }
  await receiver.close();
} else {
  console.log(`trace ${traceId} sent to ${process.env.LANGFUSE_BASE_URL ?? process.env.LANGFUSE_BASEURL ?? process.env.LANGFUSE_HOST ?? 'https://cloud.langfuse.com'}: open Traces in your project and search for this id.`);
}
console.log(`exporter stats: ${stats.eventsSent} events sent, rejected ${JSON.stringify(stats.eventsRejected)}, dropped ${JSON.stringify(stats.eventsDropped)}`);
process.exitCode = stats.eventsSent > 0 && Object.keys(stats.eventsRejected).length === 0 && Object.keys(stats.eventsDropped).length === 0 ? 0 : 1;
