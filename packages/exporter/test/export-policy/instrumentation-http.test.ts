import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { createExportPolicyProcessor } from '../../src/index.js';
import { exporterFor, useContextManager, useExporterTestBed } from '../helpers.js';

// Real HTTP server and client spans from @opentelemetry/instrumentation-http around an LLM call: filtered by the
// default policy, while the LLM observations still form one connected tree.

useContextManager();

const instrumentation = new HttpInstrumentation();
const { receiver } = useExporterTestBed();

// Registered after the test bed's hooks, so it runs before the receiver is closed.
afterAll(() => {
  instrumentation.disable();
});

describe('HTTP instrumentation around an LLM call', () => {
  it('drops the HTTP spans and keeps one connected tree of the LLM work', async () => {
    const exporter = exporterFor(receiver());
    const policy = createExportPolicyProcessor(new BatchSpanProcessor(exporter));
    const provider = new NodeTracerProvider({ spanProcessors: [policy] });
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    // The instrumentation patches the CommonJS `http` exports object; load it after enabling.
    const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
    const llm = provider.getTracer('langfuse-sdk');

    // A fake model API the app calls from inside its handler (an HTTP client span under the facade span).
    const modelApi = http.createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => modelApi.listen(0, '127.0.0.1', resolve));
    const modelUrl = `http://127.0.0.1:${(modelApi.address() as AddressInfo).port}/v1/chat`;

    const app = http.createServer((_req, res) => {
      llm.startActiveSpan('handle-chat', async (facade) => {
        await llm.startActiveSpan('llm-call', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } }, async (generation) => {
          await new Promise<void>((resolve) => http.get(modelUrl, (r) => r.resume().on('end', () => resolve())));
          generation.end();
        });
        facade.end();
        res.end('done');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/chat`;
    await new Promise<void>((resolve) => http.get(appUrl, (r) => r.resume().on('end', () => resolve())));

    await provider.forceFlush();
    await exporter.forceFlush();
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await new Promise<void>((resolve) => modelApi.close(() => resolve()));

    const observations = receiver().events().filter((e) => e.type !== 'trace-create');
    expect(observations.map((o) => o.body['name']).sort()).toEqual(['handle-chat', 'llm-call']);
    const byName = Object.fromEntries(observations.map((o) => [o.body['name'], o.body]));
    expect(byName['llm-call']?.['parentObservationId']).toBe(byName['handle-chat']?.['id']);
    expect(byName['handle-chat']?.['parentObservationId']).toBeUndefined();
    expect(byName['llm-call']?.['traceId']).toBe(byName['handle-chat']?.['traceId']);
    expect(receiver().events().filter((e) => e.type === 'trace-create').map((e) => e.body['id'])).toContain(byName['handle-chat']?.['traceId']);
    // The instrumentation really traced the HTTP traffic (app and model API, server and client side; the receiver
    // in this process adds its own server spans), all filtered out.
    expect(policy.stats().filtered).toBeGreaterThanOrEqual(4);
    expect(policy.stats().reparented).toBe(1);
    expect(trace.getSpan(context.active())).toBeUndefined();
    await provider.shutdown();
  });
});
