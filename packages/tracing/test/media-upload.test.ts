import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { langfuse, LangfuseMedia, type MaskFunction } from '../src/index.js';
import { mergedTrace, observationNamed, observations, useTracingTestBed } from './helpers.js';

const { receiver, logs, setup } = useTracingTestBed({ captureDiag: true });

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(34 * 1024)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096)]);
const WAV = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), randomBytes(4096)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The media id of the one reference of `type` and `source` in `value`; fails when there is none. */
function referenceIn(value: unknown, type: string, source: 'bytes' | 'base64_data_uri'): string {
  const pattern = new RegExp(`@@@langfuseMedia:type=${type.replace('/', '\\/')}\\|id=([A-Za-z0-9_-]+)\\|source=${source}@@@`);
  const id = pattern.exec(text(value))?.[1];
  expect(id, `a ${type} reference (source=${source}) in ${text(value).slice(0, 300)}`).toBeDefined();
  return id!;
}

/** The receiver's record of `mediaId`, with its bytes checked against `bytes`. */
function expectStored(mediaId: string, bytes: Buffer, contentType: string): void {
  const record = receiver()
    .media()
    .find((media) => media.mediaId === mediaId);
  expect(record, `media ${mediaId} stored`).toMatchObject({ contentType, contentLength: bytes.length, sha256Hash: sha(bytes), uploadHttpStatus: 200 });
  expect(record!.bytes?.equals(bytes)).toBe(true);
}

describe.each(['ingestion', 'otlp'] as const)('LangfuseMedia over %s', (transport) => {
  it('bytes and data URIs in input, output and metadata of a trace and its observations are uploaded; the stored values hold references', async () => {
    const handle = setup({ mode: 'sync', transport });
    const image = new LangfuseMedia({ contentType: 'image/png', contentBytes: new Uint8Array(PNG) });
    const pdf = new LangfuseMedia({ contentType: 'application/pdf', contentBytes: PDF });
    const audio = new LangfuseMedia({ base64DataUri: `data:audio/wav;base64,${WAV.toString('base64')}` });
    const traceId = langfuse.trace({ name: 'vision', input: { question: 'What is in this picture?', image } }, (trace) => {
      trace.generation(
        { name: 'llm', input: [{ role: 'user', content: [{ type: 'text', text: 'describe it' }, image] }], metadata: { document: pdf, note: 'kept' } },
        (generation) => generation.update({ output: { spoken: audio } }),
      );
      trace.event({ name: 'attachment', input: pdf });
      return trace.id;
    });
    await handle.forceFlush();

    const llm = observationNamed(receiver().events(), 'llm').body;
    expect(text(llm['input'])).toContain('describe it');
    expect(text(llm['input'])).not.toContain('base64');
    const imageId = referenceIn(llm['input'], 'image/png', 'bytes');
    const pdfId = referenceIn(llm['metadata'], 'application/pdf', 'bytes');
    expect(text(llm['metadata'])).toContain('kept');
    const audioId = referenceIn(llm['output'], 'audio/wav', 'base64_data_uri');
    expect(referenceIn(observationNamed(receiver().events(), 'attachment').body['input'], 'application/pdf', 'bytes')).toBe(pdfId);
    const trace = mergedTrace(receiver().events(), traceId);
    expect(text(trace['input'])).toContain('What is in this picture?');
    expect(referenceIn(trace['input'], 'image/png', 'bytes')).toBe(imageId);

    expectStored(imageId, PNG, 'image/png');
    expectStored(pdfId, PDF, 'application/pdf');
    expectStored(audioId, WAV, 'audio/wav');
    expect(receiver().media()).toHaveLength(3);
    const stats = handle.stats();
    expect(stats.mediaUploaded).toBe(3);
    expect(stats.mediaFailed).toEqual({});
  });

  it('an image over the facade value cap (1 000 000 characters as base64) is uploaded whole, the text beside it kept', async () => {
    const big = Buffer.concat([PNG.subarray(0, 8), randomBytes(1_200_000)]);
    const handle = setup({ mode: 'sync', transport });
    langfuse.generation({ name: 'big', input: { prompt: 'p'.repeat(500_000), image: new LangfuseMedia({ contentType: 'image/png', contentBytes: big }) } }, () => undefined);
    await handle.forceFlush();

    const input = observationNamed(receiver().events(), 'big').body['input'];
    expect(text(input)).toContain('p'.repeat(500_000));
    expectStored(referenceIn(input, 'image/png', 'bytes'), big, 'image/png');
  });
});

describe('LangfuseMedia with the mask and bad input', () => {
  it('the mask runs first: media it replaces is never uploaded', async () => {
    const mask: MaskFunction = ({ data, field }) => (field === 'input' ? '[image removed]' : data);
    const handle = setup({ mode: 'sync', mask });
    langfuse.generation({ name: 'masked', input: [new LangfuseMedia({ contentType: 'image/png', contentBytes: PNG })], output: 'ok' }, () => undefined);
    await handle.forceFlush();

    expect(observationNamed(receiver().events(), 'masked').body).toMatchObject({ input: '[image removed]', output: 'ok' });
    expect(receiver().media()).toEqual([]);
  });

  it('a mask that rebuilds values through JSON keeps the media (as its data URI) and it is still uploaded', async () => {
    const handle = setup({ mode: 'sync', mask: ({ data }) => JSON.parse(JSON.stringify(data)) as unknown });
    langfuse.generation({ name: 'round-trip', input: { image: new LangfuseMedia({ contentType: 'image/png', contentBytes: PNG }) } }, () => undefined);
    await handle.forceFlush();

    expectStored(referenceIn(observationNamed(receiver().events(), 'round-trip').body['input'], 'image/png', 'bytes'), PNG, 'image/png');
  });

  it('an unsupported content type: the span is delivered with a marker in its place, one warning, nothing uploaded', async () => {
    const handle = setup({ mode: 'sync' });
    const run = () => langfuse.span({ name: 'odd', input: { clip: new LangfuseMedia({ contentType: 'video/x-flv', contentBytes: PNG }), note: 'kept' } }, () => 'done');
    expect(run()).toBe('done');
    expect(run()).toBe('done');
    await handle.forceFlush();

    const inputs = observations(receiver().events())
      .filter((event) => event.body['name'] === 'odd')
      .map((event) => text(event.body['input']));
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input).toContain(`[media not uploaded by otel-langfuse: video/x-flv, ${PNG.length} bytes; content type video/x-flv is not one`);
      expect(input).toContain('kept');
    }
    expect(logs().lines.filter((line) => line.message.includes('video/x-flv is not one'))).toHaveLength(1);
    expect(receiver().media()).toEqual([]);
  });

  it('a bare Buffer (no content type) stays a size marker and is not uploaded', async () => {
    const handle = setup({ mode: 'sync' });
    langfuse.span({ name: 'raw', input: { raw: PNG } }, () => undefined);
    await handle.forceFlush();

    expect(observationNamed(receiver().events(), 'raw').body['input']).toEqual({ raw: `[Buffer ${PNG.length} bytes]` });
    expect(receiver().media()).toEqual([]);
  });
});
