import { describe, expect, it } from 'vitest';
import { context, propagation, trace, type Context, type ContextManager, type ProxyTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLangfuseSpanProcessor, langfuse } from '../src/index.js';
import { mergedTrace, observationNamed, observations, setupFor, tick, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

const globalDelegate = () => (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
/** The API keeps the global context manager private. */
const globalContextManager = (): ContextManager => (context as unknown as { _getContextManager(): ContextManager })._getContextManager();

/** Someone else's context manager (an APM agent's), which counts the contexts it enters. */
class CountingContextManager extends AsyncLocalStorageContextManager {
  entered = 0;
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.entered++;
    return super.with(ctx, fn, thisArg, ...args);
  }
}

/** What Sentry, Datadog or @vercel/otel do: a provider registered globally before us. */
function registerForeignProvider(): { provider: NodeTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return { provider, exporter };
}

describe('isolated mode next to a foreign global provider', () => {
  it('leaves the foreign provider and its spans untouched, and delivers our tree intact', async () => {
    const foreign = registerForeignProvider();
    const propagatorBefore = propagation.fields();
    const handle = setup({ mode: 'sync' });
    expect(handle.registeredGlobally).toBe(false);
    expect(globalDelegate()).toBe(foreign.provider);
    // Never silent: one warning says that global-tracer spans go to the other provider, and what to add to it.
    const warnings = logs().lines.filter((l) => l.level === 'warn' && l.message.includes('another TracerProvider is registered globally'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('createLangfuseSpanProcessor()');

    const foreignTracer = trace.getTracer('web-framework');
    let traceId = '';
    foreignTracer.startActiveSpan('GET /chat', (request) => {
      langfuse.trace({ name: 'chat', userId: 'user-1' }, (t) => {
        traceId = t.id;
        foreignTracer.startActiveSpan('SELECT messages', (query) => {
          langfuse.generation({ name: 'reply', model: 'm' }, () => undefined);
          query.end();
        });
      });
      request.end();
    });
    await handle.forceFlush();

    // Theirs: exactly their two spans, none of our attributes, sharing the request's trace.
    const theirs = foreign.exporter.getFinishedSpans();
    expect(theirs.map((s) => s.name).sort()).toEqual(['GET /chat', 'SELECT messages']);
    for (const span of theirs) {
      expect(Object.keys(span.attributes).filter((key) => key.startsWith('langfuse.'))).toEqual([]);
      expect(span.spanContext().traceId).toBe(traceId);
    }
    // Ours: our root is the trace root in Langfuse (its foreign parent is never exported), and the span under
    // their DB span hangs below our trace, not below a span Langfuse never sees.
    const events = receiver().events();
    expect(observations(events)).toHaveLength(2);
    expect(treeOf(events, traceId)).toEqual(['generation reply <- chat', 'span chat <- (root)']);
    expect(mergedTrace(events, traceId)).toMatchObject({ name: 'chat', userId: 'user-1' });
    expect(globalDelegate()).toBe(foreign.provider);
    expect(propagation.fields()).toEqual(propagatorBefore);
  });

  it('registerGlobal is refused, with a warning, when another provider is registered', async () => {
    const foreign = registerForeignProvider();
    const handle = setup({ mode: 'sync', registerGlobal: true });
    expect(handle.registeredGlobally).toBe(false);
    expect(globalDelegate()).toBe(foreign.provider);
    expect(logs().lines.filter((l) => l.level === 'warn' && l.message.includes('registerGlobal'))).toHaveLength(1);
    expect(logs().text()).not.toContain('duplicate registration');
  });

  it('registerGlobal: false registers nothing global and says nothing about it', async () => {
    const foreign = registerForeignProvider();
    setup({ mode: 'sync', registerGlobal: false });
    expect(globalDelegate()).toBe(foreign.provider);
    expect(logs().lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('installs a context manager where none exists; isolated with registerGlobal: false', async () => {
    expect(globalContextManager()).not.toBeInstanceOf(AsyncLocalStorageContextManager);
    const handle = setup({ mode: 'sync', registerGlobal: false });
    expect(globalDelegate()).not.toBe(handle.provider);
    expect(propagation.fields()).toEqual([]);
    expect(globalContextManager()).toBeInstanceOf(AsyncLocalStorageContextManager);
    // Spans nest: the context manager was installed.
    const nested = langfuse.trace({ name: 'outer' }, (t) => langfuse.span({ name: 'inner' }, () => langfuse.currentObservation() !== t.rootObservation));
    expect(nested).toBe(true);
    const second = setupFor(receiver(), { mode: 'sync', registerGlobal: false });
    expect(logs().text()).not.toContain('duplicate registration');
    await second.shutdown();
  });

  it("by default the provider becomes global when the slot is free, so the global tracer's spans reach Langfuse", async () => {
    const handle = setup({ mode: 'sync', exportPolicy: 'all' });
    expect(handle.registeredGlobally).toBe(true);
    expect(globalDelegate()).toBe(handle.provider);
    const span = trace.getTracer('ai').startSpan('ai.generateText');
    span.end();
    await handle.forceFlush();
    expect(observations(receiver().events()).map((e) => e.body['name'])).toEqual(['ai.generateText']);
    // A second setup takes the slot over from the first; shutting down releases it.
    const second = setupFor(receiver(), { mode: 'sync' });
    expect(second.registeredGlobally).toBe(true);
    expect(globalDelegate()).toBe(second.provider);
    expect(logs().lines.filter((l) => l.level === 'warn')).toEqual([]);
    await second.shutdown();
    expect(globalDelegate()).not.toBe(second.provider);
  });

  it('leaves a context manager someone else registered in place, and nests through it', async () => {
    const theirs = new CountingContextManager().enable();
    context.setGlobalContextManager(theirs);
    setup({ mode: 'sync' });
    expect(globalContextManager()).toBe(theirs);
    const nested = langfuse.trace({ name: 'outer' }, async (t) => {
      await tick();
      return langfuse.span({ name: 'inner' }, () => langfuse.currentObservation()?.id !== t.rootObservation.id);
    });
    expect(await nested).toBe(true);
    expect(theirs.entered).toBeGreaterThanOrEqual(2);
    expect(logs().text()).not.toContain('duplicate registration');
  });
});

describe('global registration and your own provider', () => {
  it("registerGlobal with exportPolicy 'all' makes every other instrumentation's span reach Langfuse too", async () => {
    const handle = setup({ mode: 'sync', registerGlobal: true, exportPolicy: 'all' });
    expect(handle.registeredGlobally).toBe(true);
    expect(globalDelegate()).toBe(handle.provider);
    let traceId = '';
    langfuse.trace({ name: 'root' }, (t) => {
      traceId = t.id;
      trace.getTracer('http-client').startActiveSpan('POST /v1/chat', (span) => span.end());
    });
    await handle.forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual(['span POST /v1/chat <- root', 'span root <- (root)']);
  });

  it("by default (exportPolicy 'llm') other instrumentation's non-LLM spans are left out without orphaning LLM spans", async () => {
    const handle = setup({ mode: 'sync', registerGlobal: true });
    let traceId = '';
    langfuse.trace({ name: 'root' }, (t) => {
      traceId = t.id;
      trace.getTracer('http-client').startActiveSpan('POST /v1/chat', (http) => {
        trace.getTracer('some-llm-sdk').startActiveSpan('chat', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } }, (llm) => llm.end());
        http.end();
      });
    });
    await handle.forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual(['generation chat <- root', 'span root <- (root)']);
  });

  it('createLangfuseSpanProcessor serves a provider the user owns; the facade then traces through the global API', async () => {
    const processor = createLangfuseSpanProcessor({
      publicKey: receiver().publicKey,
      secretKey: receiver().secretKey,
      baseUrl: receiver().url,
      mode: 'batch',
    });
    const provider = new NodeTracerProvider({ spanProcessors: [processor] });
    provider.register();
    expect(processor.enabled).toBe(true);
    const traceId = langfuse.trace({ name: 'own-provider', sessionId: 'session-1' }, (t) => {
      langfuse.span({ name: 'child' }, () => undefined);
      return t.id;
    });
    await processor.forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual(['span child <- own-provider', 'span own-provider <- (root)']);
    expect(observationNamed(receiver().events(), 'child').body['parentObservationId']).toBe(observationNamed(receiver().events(), 'own-provider').body.id);
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({ sessionId: 'session-1' });
    expect(processor.stats().spansExported).toBe(2);
    await provider.shutdown();
    expect(context.active()).toBeDefined();
  });
});
