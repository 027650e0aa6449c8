import { describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLangfuseSpanProcessor, langfuse, type MaskFunction } from '../src/index.js';
import { resetOtelGlobals, spanRecorder, useTracingTestBed } from './helpers.js';

const SECRET = 'sk-live-0123456789';
const redact: MaskFunction = ({ data }) => JSON.parse(JSON.stringify(data).replaceAll(SECRET, '***')) as unknown;

const { receiver, setup } = useTracingTestBed();

describe('no unmasked values in spans of providers we do not own', () => {
  it('createLangfuseSpanProcessor: its mask runs before values reach attributes every processor sees', async () => {
    const processor = createLangfuseSpanProcessor({ publicKey: receiver().publicKey, secretKey: receiver().secretKey, baseUrl: receiver().url, mask: redact });
    const other = spanRecorder();
    const provider = new NodeTracerProvider({ spanProcessors: [processor, other.processor] });
    provider.register();
    langfuse.trace({ name: 'masked-root', input: { apiKey: SECRET }, metadata: { token: SECRET } }, () =>
      langfuse.span({ name: 'masked-child', input: `use ${SECRET}` }, () => undefined),
    );
    expect(other.spans()).toHaveLength(2);
    for (const span of other.spans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    expect(other.byName('masked-child').attributes['langfuse.observation.input']).toBe('use ***');
    await provider.shutdown();

    // Shut down, the processor's mask no longer applies to whatever the facade traces next.
    const after = spanRecorder();
    const next = new NodeTracerProvider({ spanProcessors: [after.processor] });
    resetOtelGlobals();
    next.register();
    langfuse.span({ name: 'unmasked', input: 'plain' }, () => undefined);
    expect(after.byName('unmasked').attributes['langfuse.observation.input']).toBe('plain');
  });

  it('after shutdown, children of a still-open isolated trace stay with it, not with the global provider', async () => {
    const foreign = new InMemorySpanExporter();
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(foreign)] }).register();
    const handle = setup({ mode: 'sync', mask: redact });
    const open = langfuse.startTrace({ name: 'open' });
    await handle.shutdown();

    open.span({ name: 'late-child', input: SECRET }, () => undefined);
    open.run(() => langfuse.generation({ name: 'late-active-child', input: SECRET }, () => undefined));
    open.end();
    expect(foreign.getFinishedSpans()).toEqual([]);
  });
});
