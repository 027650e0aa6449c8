// Adding Langfuse to an existing NodeSDK setup: one more span processor next to whatever you export already.
// Sends to the local receiver unless LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY are set.
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { LangfuseSpanExporter } from '@otel-langfuse/exporter';
import { startReceiver } from '@otel-langfuse/receiver';

const useRealLangfuse = Boolean(process.env.LANGFUSE_PUBLIC_KEY && process.env.LANGFUSE_SECRET_KEY);
const receiver = useRealLangfuse ? undefined : await startReceiver();
const exporter = new LangfuseSpanExporter(
  receiver ? { publicKey: receiver.publicKey, secretKey: receiver.secretKey, baseUrl: receiver.url } : {},
);

const sdk = new NodeSDK({
  serviceName: 'node-sdk-example',
  spanProcessors: [new BatchSpanProcessor(exporter)],
  instrumentations: [],
});
sdk.start();

const tracer = trace.getTracer('node-sdk-example');
await tracer.startActiveSpan('summarize', async (span) => {
  span.setAttributes({
    'langfuse.observation.type': 'generation',
    'langfuse.observation.model.name': 'demo-model-1',
    'langfuse.observation.input': JSON.stringify('Summarize OpenTelemetry in one line.'),
    'langfuse.observation.output': JSON.stringify('Vendor-neutral traces, metrics and logs.'),
    'langfuse.observation.usage_details': JSON.stringify({ input: 8, output: 6 }),
  });
  span.end();
});

// Flushes the processor and the exporter. It rejects when spans could not be delivered (Langfuse down): they are
// counted in exporter.stats() and dead-lettered if configured, so the rejection needs no more than a catch.
await sdk.shutdown().catch(() => {});
const stats = exporter.stats();
console.log(`node-sdk example: ${stats.eventsSent} events sent${receiver ? ` to the local receiver (${receiver.events().length} stored)` : ''}`);
await receiver?.close();
process.exitCode = stats.eventsSent > 0 ? 0 : 1;
