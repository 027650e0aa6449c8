import { describe, expect, it } from 'vitest';
import { langfuse, MASK_FAILED, type MaskFunction } from '../src/index.js';
import { mergedTrace, observationNamed, spanRecorder, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

const SECRET = 'sk-live-0123456789';

function traceWithSecrets(): string {
  return langfuse.trace(
    { name: 'masked', input: { apiKey: SECRET }, metadata: { token: SECRET } },
    (t) => {
      t.generation({ name: 'llm', input: `use ${SECRET}`, metadata: { auth: SECRET } }, (g) => g.update({ output: { echoed: SECRET } }));
      t.update({ output: SECRET });
      langfuse.updateTrace({ input: SECRET, output: [SECRET] });
      return t.id;
    },
  );
}

describe('mask', () => {
  it('runs before anything reaches a span: input, output and metadata of traces and observations', async () => {
    const recorder = spanRecorder();
    const redact: MaskFunction = ({ data }) => JSON.parse(JSON.stringify(data).replaceAll(SECRET, '***')) as unknown;
    const handle = setup({ mode: 'sync', mask: redact, spanProcessors: [recorder.processor] });
    const traceId = traceWithSecrets();
    await handle.forceFlush();

    for (const span of recorder.spans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    expect(JSON.stringify(receiver().events())).not.toContain(SECRET);
    expect(observationNamed(receiver().events(), 'llm').body).toMatchObject({ input: 'use ***', output: { echoed: '***' }, metadata: { auth: '***' } });
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({ metadata: { token: '***' }, input: '***', output: ['***'] });
  });

  it('fails closed: a mask that throws replaces every value by the marker, never the raw value', async () => {
    const recorder = spanRecorder();
    const handle = setup({
      mode: 'sync',
      mask: () => {
        throw new Error('mask bug');
      },
      spanProcessors: [recorder.processor],
    });
    const traceId = traceWithSecrets();
    await handle.forceFlush();

    for (const span of recorder.spans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    expect(JSON.stringify(receiver().events())).not.toContain(SECRET);
    const llm = observationNamed(receiver().events(), 'llm').body;
    expect(llm['input']).toBe(MASK_FAILED);
    expect(llm['output']).toBe(MASK_FAILED);
    expect(JSON.stringify(llm['metadata'])).toContain(MASK_FAILED);
    expect(mergedTrace(receiver().events(), traceId)).toMatchObject({ input: MASK_FAILED, output: MASK_FAILED });
    expect(logs().lines.filter((l) => l.message.includes('mask threw')).length).toBeGreaterThanOrEqual(1);
  });

  it('an asynchronous mask fails closed too', async () => {
    const handle = setup({ mode: 'sync', mask: (async () => 'later') as unknown as MaskFunction });
    langfuse.span({ name: 'async-mask', input: SECRET }, () => undefined);
    await handle.forceFlush();
    expect(observationNamed(receiver().events(), 'async-mask').body['input']).toBe(MASK_FAILED);
  });

  it('hostile values are written safely through the whole stack', async () => {
    const handle = setup({ mode: 'sync' });
    const circular: Record<string, unknown> = { id: 1 };
    circular['self'] = circular;
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    langfuse.span({ name: 'hostile', input: { circular, big: 10n, buffer: Buffer.alloc(4096), hostile }, metadata: { when: new Date(0), err: new Error('e') } }, () => undefined);
    await handle.forceFlush();
    expect(observationNamed(receiver().events(), 'hostile').body).toMatchObject({
      input: { circular: { id: 1, self: '[Circular]' }, big: '10', buffer: '[Buffer 4096 bytes]', hostile: '[Unserializable]' },
      metadata: { when: '1970-01-01T00:00:00.000Z', err: { name: 'Error', message: 'e' } },
    });
  });
});
