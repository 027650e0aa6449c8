import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { langfuse, withTraceContext } from '../src/index.js';
import { observations, treeOf, useTracingTestBed } from './helpers.js';

const { receiver, setup } = useTracingTestBed();

/** Another vendor's provider, registered globally, with its own sampling. */
function registerForeign(sampler: Sampler): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  new NodeTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
  return exporter;
}

/** Our trace (root + child) inside a foreign request span; returns our trace id. */
function oursInsideForeignSpan(): string {
  return trace.getTracer('foreign-http').startActiveSpan('GET /chat', (request) => {
    const traceId = langfuse.trace({ name: 'ours' }, (t) => {
      langfuse.span({ name: 'ours-child' }, () => undefined);
      return t.id;
    });
    request.end();
    return traceId;
  });
}

describe('in isolated mode, another vendor’s sampling does not decide ours', () => {
  it('a foreign span its sampler dropped does not drop our trace', async () => {
    const theirs = registerForeign(new AlwaysOffSampler());
    const handle = setup({ mode: 'sync' });
    const traceId = oursInsideForeignSpan();
    await handle.forceFlush();
    expect(treeOf(receiver().events(), traceId)).toEqual(['span ours <- (root)', 'span ours-child <- ours']);
    expect(theirs.getFinishedSpans()).toEqual([]);
  });

  it('sampleRate 0 drops our trace under a foreign span its sampler kept', async () => {
    const theirs = registerForeign(new AlwaysOnSampler());
    const handle = setup({ mode: 'sync', sampleRate: 0 });
    oursInsideForeignSpan();
    await handle.forceFlush();
    expect(receiver().events()).toEqual([]);
    expect(theirs.getFinishedSpans().map((span) => span.name)).toEqual(['GET /chat']);
  });

  it('a remote caller still decides, for our root and every observation below it', async () => {
    setup({ mode: 'sync', sampleRate: 1 });
    const unsampled = { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00` };
    withTraceContext(unsampled, () => langfuse.trace({ name: 'dropped-by-caller' }, () => langfuse.span({ name: 'below' }, () => langfuse.span({ name: 'deeper' }, () => undefined))));
    const sampled = { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` };
    const handle = setup({ mode: 'sync', sampleRate: 0 });
    withTraceContext(sampled, () => langfuse.trace({ name: 'kept-by-caller' }, () => langfuse.span({ name: 'kept-below' }, () => undefined)));
    await handle.forceFlush();
    expect(observations(receiver().events()).map((e) => e.body['name']).sort()).toEqual(['kept-below', 'kept-by-caller']);
  });
});
