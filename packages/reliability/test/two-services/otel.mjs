// Shared by the two services of two-services.test.ts: OpenTelemetry's NodeSDK with the HTTP, undici (fetch) and
// Express instrumentations, and Langfuse in one of the documented ways (TWO_SERVICES_SETUP):
// - 'processor': createLangfuseSpanProcessor() in the NodeSDK's spanProcessors (the way with a NodeSDK);
// - 'setup': setupLangfuse() after the NodeSDK started (it finds the global slot taken and traces the facade with
//   its own provider; the instrumentations' spans stay with the NodeSDK).
// The export policy comes from LANGFUSE_EXPORT_POLICY; keys and URL from LANGFUSE_*.
import { createRequire } from 'node:module';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createLangfuseSpanProcessor, setupLangfuse } from '@otel-langfuse/tracing';

export function startOtel(serviceName) {
  const way = process.env.TWO_SERVICES_SETUP;
  const processor = way === 'processor' ? createLangfuseSpanProcessor({ serviceName }) : undefined;
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: processor === undefined ? [] : [processor],
    instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation(), new ExpressInstrumentation()],
  });
  sdk.start();
  const tracing = way === 'setup' ? setupLangfuse({ serviceName }) : undefined;
  return {
    // CommonJS modules loaded after start(), so the instrumentations' require hooks patch them.
    require: createRequire(import.meta.url),
    async shutdown() {
      await tracing?.shutdown();
      await sdk.shutdown();
    },
  };
}
