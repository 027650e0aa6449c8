import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { captureDiag } from '@otel-langfuse/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createSpanDecider, resolveExportPolicy } from '../../src/export-policy/export-policy.js';
import { resolveLimits } from '../../src/export-policy/export-policy-options.js';
import { isLlmRelatedSpan } from '../../src/index.js';
import { useContextManager } from '../helpers.js';
import { handleChatRequest, HTTP_SCOPE, policySetup } from './policy-helpers.js';

useContextManager();

/** Just what the policy reads. */
function spanLike(scope: string, attributes: Attributes = {}, name = 'span'): ReadableSpan {
  return { name, kind: SpanKind.INTERNAL, instrumentationScope: { name: scope }, attributes } as unknown as ReadableSpan;
}

let logs: ReturnType<typeof captureDiag> | undefined;
afterEach(() => {
  logs?.restore();
  logs = undefined;
});

describe("the 'llm' policy", () => {
  const llm = createSpanDecider('llm', () => {});

  it.each([
    ['our facade (scope langfuse-sdk)', spanLike('langfuse-sdk')],
    ['a langfuse.* attribute', spanLike('my-app', { 'langfuse.trace.name': 'chat' })],
    ['a gen_ai.* attribute', spanLike('my-app', { 'gen_ai.request.model': 'gpt-test' })],
    ['the Vercel AI SDK scope', spanLike('ai')],
    ['an OpenInference scope', spanLike('@arizeai/openinference-instrumentation-openai')],
    ['an OpenLLMetry scope', spanLike('@traceloop/instrumentation-openai')],
    ['a Python instrumentation namespace', spanLike('opentelemetry.instrumentation.anthropic.messages')],
  ])('keeps %s', (_what, span) => {
    expect(llm.keep(span)).toBe(true);
    expect(llm.keepOpen(span)).toBe(true);
  });

  it.each([
    ['an HTTP server span', spanLike(HTTP_SCOPE, { 'http.request.method': 'POST', 'url.path': '/chat' })],
    ['a database span', spanLike('@opentelemetry/instrumentation-pg', { 'db.system': 'postgresql' })],
    ['a look-alike scope', spanLike('aisle-service', { 'genai.model': 'x', 'langfuse': 'no dot' })],
    ['a span without attributes', spanLike('my-app')],
  ])('drops %s', (_what, span) => {
    expect(llm.keep(span)).toBe(false);
    expect(isLlmRelatedSpan(span)).toBe(false);
  });
});

describe('a predicate policy', () => {
  it('decides by its answer; an open span counts as dropped (its answer could change by the end)', () => {
    const decider = createSpanDecider((span) => span.name.startsWith('keep'), () => {});
    expect(decider.keep(spanLike('x', {}, 'keep-me'))).toBe(true);
    expect(decider.keep(spanLike('x', {}, 'other'))).toBe(false);
    expect(decider.keepOpen(spanLike('x', {}, 'keep-me'))).toBe(false);
  });

  it('keeps a span it throws on and reports the error', () => {
    const errors: unknown[] = [];
    const decider = createSpanDecider(() => {
      throw new RangeError('boom');
    }, (error) => errors.push(error));
    expect(decider.keep(spanLike('x'))).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('throwing inside a real provider: the spans are kept, counted, and one diagnostic is logged', async () => {
    logs = captureDiag();
    const { provider, processor, flushed } = policySetup('simple', {
      policy: () => {
        throw new TypeError('secret-detail-in-message');
      },
    });
    await handleChatRequest(provider);
    await handleChatRequest(provider);
    const spans = await flushed();
    expect(spans).toHaveLength(8);
    expect(processor.stats()).toMatchObject({ kept: 8, filtered: 0, predicateErrors: 8, reparented: 0 });
    const lines = logs.lines.filter((l) => l.message.includes('predicate threw'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain('TypeError');
    expect(logs.text()).not.toContain('secret-detail-in-message');
  });
});

describe('policy options', () => {
  it("an unknown policy is 'llm' with a warning", () => {
    const warnings: string[] = [];
    expect(resolveExportPolicy('everything', (m) => warnings.push(m))).toBe('llm');
    expect(resolveExportPolicy(undefined, (m) => warnings.push(m))).toBe('llm');
    expect(resolveExportPolicy('all', (m) => warnings.push(m))).toBe('all');
    expect(warnings).toHaveLength(1);
  });

  it('invalid limits fall back to their defaults with a warning', () => {
    const warnings: string[] = [];
    const limits = resolveLimits({ maxBufferedSpans: -1, maxTrackedSpans: 50.7, maxTraceAgeMs: Number.NaN }, (m) => warnings.push(m));
    expect(limits).toEqual({ maxBufferedSpans: 10_000, maxTrackedSpans: 50, maxTraceAgeMs: 300_000 });
    expect(warnings).toHaveLength(2);
  });

  it("'all' passes every span straight through, holding nothing", () => {
    const setup = policySetup('simple', { policy: 'all' });
    const t = setup.provider.getTracer(HTTP_SCOPE);
    const parent = t.startSpan('POST /chat', { kind: SpanKind.SERVER });
    // The child ends while its parent is open: sent at once, the SDK's own object, unchanged.
    const child = t.startSpan('GET', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), parent));
    child.end();
    expect(setup.exporter.getFinishedSpans()).toHaveLength(1);
    expect(setup.exporter.getFinishedSpans()[0]).toBe(child);
    parent.end();
    expect(setup.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET', 'POST /chat']);
    expect(setup.processor.stats()).toEqual({
      kept: 2,
      filtered: 0,
      reparented: 0,
      forcedOut: 0,
      segmentsEvicted: 0,
      predicateErrors: 0,
      buffered: 0,
      tracked: 0,
    });
  });
});
