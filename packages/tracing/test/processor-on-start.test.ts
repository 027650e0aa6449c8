import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLangfuseSpanProcessor, propagateAttributes } from '../src/index.js';
import { useTracingTestBed } from './helpers.js';

const { receiver, logs } = useTracingTestBed({ captureDiag: true });

/** A span whose every property read throws (a wrapping SDK's or a broken span): what onStart reads of it. */
const hostileSpan = () =>
  new Proxy({}, {
    get() {
      throw new Error('span read failed');
    },
  }) as unknown as Span;

describe('LangfuseSpanProcessor.onStart', () => {
  it('nothing it does throws into span start: one warning, and later spans are delivered as usual', async () => {
    const processor = createLangfuseSpanProcessor({ publicKey: receiver().publicKey, secretKey: receiver().secretKey, baseUrl: receiver().url, mode: 'sync' });
    const provider = new NodeTracerProvider({ spanProcessors: [processor] });
    const parent = propagateAttributes({ userId: 'user-1' }, () => trace.setSpan(ROOT_CONTEXT, provider.getTracer('other').startSpan('outer')));
    expect(() => processor.onStart(hostileSpan(), parent)).not.toThrow();
    expect(() => processor.onStart(hostileSpan(), ROOT_CONTEXT)).not.toThrow();
    const warnings = logs().lines.filter((line) => line.level === 'warn' && line.message.includes('onStart'));
    expect(warnings.length).toBe(1);
    expect(warnings[0]!.message).toContain('span read failed');

    provider.getTracer('other').startSpan('after', { attributes: { 'langfuse.observation.type': 'span' } }).end();
    await processor.forceFlush();
    expect(processor.stats().spansExported).toBeGreaterThanOrEqual(1);
    await provider.shutdown();
  });
});
