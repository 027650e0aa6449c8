import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { LangfuseExporterOptions } from '../../src/index.js';
import { exporterFor, exportSpans, makeSpans, succeeded, useExporterTestBed } from '../helpers.js';

const { receiver } = useExporterTestBed();

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(34 * 1024)]);
const WAV = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), randomBytes(4096)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4096)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const REFERENCE = /@@@langfuseMedia:type=image\/png\|id=([A-Za-z0-9_-]+)\|source=base64_data_uri@@@/;

/** A generation whose input is an OpenAI-style vision message: text and an image data URI. */
function visionGeneration(image: Buffer = PNG) {
  const input = [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } },
      ],
    },
  ];
  return makeSpans(1, { 'langfuse.observation.type': 'generation', 'langfuse.observation.input': JSON.stringify(input) })[0]!;
}

/** The stored input of the observation of `spanId`, as text. */
function storedInput(spanId: string): string {
  const event = receiver()
    .events()
    .find((e) => (e.body as { id?: string }).id === spanId && (e.body as { input?: unknown }).input !== undefined);
  expect(event, `an observation ${spanId} with input was stored`).toBeDefined();
  const input = (event!.body as unknown as { input: unknown }).input;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

describe.each(['ingestion', 'otlp'] as const)('media over %s', (transport) => {
  const exporterWith = (options: LangfuseExporterOptions = {}) => exporterFor(receiver(), { transport, ...options });

  it('uploads an image data URI and stores the text with a media reference; the receiver holds the exact bytes', async () => {
    const exporter = exporterWith();
    const span = visionGeneration();
    expect(succeeded(await exportSpans(exporter, [span]))).toBe(true);
    const input = storedInput(span.spanContext().spanId);
    expect(input).toContain('What is in this picture?');
    expect(input).not.toContain('base64,');
    const mediaId = REFERENCE.exec(input)?.[1];
    expect(mediaId).toBeDefined();
    const [record] = receiver().media();
    expect(record).toMatchObject({ mediaId, contentType: 'image/png', contentLength: PNG.length, sha256Hash: sha(PNG), uploadHttpStatus: 200 });
    // The legacy mapping also gives the trace the root's input: then the trace links the same media too.
    expect(record!.links).toContainEqual({ traceId: span.spanContext().traceId, observationId: span.spanContext().spanId, field: 'input' });
    expect(record!.bytes?.equals(PNG)).toBe(true);
    const stats = exporter.stats();
    // One upload; a second link (the trace's input, legacy path) finds the bytes stored.
    expect(stats).toMatchObject({ mediaUploaded: 1, mediaDeduplicated: record!.links.length - 1, mediaBytes: PNG.length, mediaFailed: {} });
    await exporter.shutdown();
  });

  it('the same image twice (two spans of one export, then another export) is uploaded once', async () => {
    const exporter = exporterWith();
    const spans = [visionGeneration(), visionGeneration(), visionGeneration()];
    expect(succeeded(await exportSpans(exporter, spans.slice(0, 2)))).toBe(true);
    expect(succeeded(await exportSpans(exporter, spans.slice(2)))).toBe(true);
    const records = receiver().media();
    expect(records).toHaveLength(1);
    for (const span of spans) expect(records[0]!.links).toContainEqual(expect.objectContaining({ observationId: span.spanContext().spanId }));
    const ids = spans.map((span) => REFERENCE.exec(storedInput(span.spanContext().spanId))?.[1]);
    expect(new Set(ids)).toEqual(new Set([records[0]!.mediaId]));
    const stats = exporter.stats();
    expect(stats.mediaUploaded).toBe(1);
    expect(stats.mediaDeduplicated).toBe(records[0]!.links.length - 1);
    await exporter.shutdown();
  });

  it('a failing upload is counted and the span is still delivered, with a marker in place of the image', async () => {
    receiver().mediaUploadFaults.push({ status: 403, times: 10 });
    const exporter = exporterWith();
    const span = visionGeneration();
    expect(succeeded(await exportSpans(exporter, [span]))).toBe(true);
    const input = storedInput(span.spanContext().spanId);
    expect(input).toContain('What is in this picture?');
    expect(input).toContain(`[media not uploaded by otel-langfuse: image/png, ${PNG.length} bytes; upload failed (upload-http-403)]`);
    expect(input).not.toMatch(REFERENCE);
    const stats = exporter.stats();
    expect(stats).toMatchObject({ mediaUploaded: 0, spansExported: 1 });
    expect(Object.keys(stats.mediaFailed)).toEqual(['upload-http-403']);
    expect(receiver().media()[0]!.bytes).toBeUndefined();
    await exporter.shutdown();
  });

  it('an upload that hangs is given up at the deadline; the span is still delivered', async () => {
    receiver().mediaUploadFaults.push({ hang: true, times: 10 });
    const exporter = exporterWith({ requestTimeoutMs: 300, maxRetries: 0 });
    const span = visionGeneration();
    expect(succeeded(await exportSpans(exporter, [span]))).toBe(true);
    expect(storedInput(span.spanContext().spanId)).toContain('upload failed (upload-timeout)');
    expect(Object.keys(exporter.stats().mediaFailed)).toEqual(['upload-timeout']);
    await exporter.shutdown();
  });

  it('OpenAI audio input, AI SDK 6 file and image parts, AI SDK 7 / GenAI blob parts: each uploaded, text kept', async () => {
    const exporter = exporterWith();
    const [openAi] = makeSpans(1, {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.input': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Transcribe' }, { type: 'input_audio', input_audio: { data: WAV.toString('base64'), format: 'wav' } }] }]),
    });
    const [aiSdk6] = makeSpans(1, {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.id': 'gpt-4o',
      'ai.prompt.messages': JSON.stringify([
        { role: 'user', content: [{ type: 'text', text: 'Summarize the PDF' }, { type: 'file', data: PDF.toString('base64'), mediaType: 'application/pdf' }, { type: 'image', image: PNG.toString('base64'), mediaType: 'image/png' }] },
      ]),
    });
    const [aiSdk7] = makeSpans(1, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Listen' }, { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: WAV.toString('base64') }] }]),
    });
    expect(succeeded(await exportSpans(exporter, [openAi!, aiSdk6!, aiSdk7!]))).toBe(true);
    const openAiInput = storedInput(openAi!.spanContext().spanId);
    expect(openAiInput).toContain('Transcribe');
    expect(openAiInput).toMatch(/@@@langfuseMedia:type=audio\/wav\|id=[\w-]+\|source=bytes@@@/);
    const aiSdk6Input = storedInput(aiSdk6!.spanContext().spanId);
    expect(aiSdk6Input).toContain('Summarize the PDF');
    expect(aiSdk6Input).toMatch(/@@@langfuseMedia:type=application\/pdf\|id=[\w-]+\|source=bytes@@@/);
    expect(aiSdk6Input).toMatch(/@@@langfuseMedia:type=image\/png\|id=[\w-]+\|source=bytes@@@/);
    const aiSdk7Input = storedInput(aiSdk7!.spanContext().spanId);
    expect(aiSdk7Input).toContain('Listen');
    expect(aiSdk7Input).toMatch(/@@@langfuseMedia:type=audio\/wav\|id=[\w-]+\|source=bytes@@@/);
    const stored = receiver().media();
    expect(stored.map((m) => m.contentType).sort()).toEqual(['application/pdf', 'audio/wav', 'image/png']);
    for (const [media, bytes] of [['application/pdf', PDF], ['audio/wav', WAV], ['image/png', PNG]] as const) {
      expect(stored.find((m) => m.contentType === media)!.bytes?.equals(bytes)).toBe(true);
    }
    expect(exporter.stats().mediaUploaded).toBe(3);
    await exporter.shutdown();
  });

  it('an image over maxMediaBytes is not uploaded: a marker, counted', async () => {
    const exporter = exporterWith({ maxMediaBytes: 10_000 });
    const span = visionGeneration();
    expect(succeeded(await exportSpans(exporter, [span]))).toBe(true);
    const input = storedInput(span.spanContext().spanId);
    expect(input).toContain('What is in this picture?');
    expect(input).toContain(`[media not uploaded by otel-langfuse: image/png, ${PNG.length} bytes; over maxMediaBytes (10000)]`);
    expect(receiver().media()).toEqual([]);
    expect(exporter.stats().mediaFailed['too-large']).toBeGreaterThanOrEqual(1);
    await exporter.shutdown();
  });

  it('the mask runs first: an image it removes is never uploaded', async () => {
    const mask = ({ data }: { data: unknown }) => JSON.parse(JSON.stringify(data).replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, '[image removed]')) as unknown;
    const exporter = exporterWith({ mask });
    const span = visionGeneration();
    expect(succeeded(await exportSpans(exporter, [span]))).toBe(true);
    expect(storedInput(span.spanContext().spanId)).toContain('[image removed]');
    expect(receiver().media()).toEqual([]);
    expect(exporter.stats().mediaUploaded).toBe(0);
    await exporter.shutdown();
  });

  it('with mediaUpload false the value is kept as it was', async () => {
    const exporter = exporterWith({ mediaUpload: false });
    const span = visionGeneration();
    expect(succeeded(await exportSpans(exporter, [span]))).toBe(true);
    expect(storedInput(span.spanContext().spanId)).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(receiver().media()).toEqual([]);
    await exporter.shutdown();
  });
});

describe('a server without the media API', () => {
  it('media gets a no-media-api marker, the span is delivered, and the API is not asked again for each item', async () => {
    let mediaRequests = 0;
    const stored: { body: { input?: unknown } }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/api/public/ingestion') {
          const batch = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { batch: { id: string; body: { input?: unknown } }[] }).batch;
          stored.push(...batch);
          res.writeHead(207, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ successes: batch.map((event) => ({ id: event.id, status: 201 })), errors: [] }));
          return;
        }
        if (req.url?.startsWith('/api/public/media')) mediaRequests++;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"Not found"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const exporter = exporterFor(receiver(), { baseUrl: `http://127.0.0.1:${port}`, transport: 'ingestion' });
      const first = visionGeneration();
      const second = visionGeneration(Buffer.concat([PNG, Buffer.from('other')]));
      expect(succeeded(await exportSpans(exporter, [first]))).toBe(true);
      expect(succeeded(await exportSpans(exporter, [second]))).toBe(true);
      const inputs = stored.map((event) => JSON.stringify(event.body.input ?? ''));
      expect(inputs.filter((input) => input.includes('What is in this picture?') && input.includes('upload failed (no-media-api)')).length).toBeGreaterThanOrEqual(2);
      expect(inputs.some((input) => input.includes('base64,'))).toBe(false);
      // The first item learns it (the trace's and the observation's link may both ask before the answer comes).
      expect(mediaRequests).toBeGreaterThanOrEqual(1);
      expect(mediaRequests).toBeLessThanOrEqual(2);
      expect(Object.keys(exporter.stats().mediaFailed)).toEqual(['no-media-api']);
      expect(exporter.stats().spansExported).toBe(2);
      await exporter.shutdown();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
