import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assembleTrace, renderTrace, type AssembledTrace } from '../src/index.js';
import { formatBytes, mediaLabels, mediaSizesOf } from '../src/traces/media-labels.js';
import { displayWidth } from '../src/traces/text-width.js';
import { at, stored } from './trace-events.js';
import { ingest } from './ingestion-client.js';
import { useReceiver } from './use-receiver.js';

const reference = (type: string, id: string, source = 'bytes') => `@@@langfuseMedia:type=${type}|id=${id}|source=${source}@@@`;
const SIZES = new Map([
  ['img1', 34 * 1024 + 8],
  ['pdf1', 1_572_864],
  ['wav1', 700],
]);
const sizeOf = (id: string) => SIZES.get(id);

function mediaTrace(): AssembledTrace {
  const events = [
    stored('trace-create', { id: 't', name: 'vision', input: { question: 'what is it?', image: reference('image/png', 'img1') } }),
    stored('span-create', { id: 'root', traceId: 't', name: 'vision', startTime: at(0), endTime: at(1000) }),
    stored('generation-create', {
      id: 'g',
      traceId: 't',
      parentObservationId: 'root',
      name: 'llm',
      model: 'gpt-4o',
      startTime: at(10),
      endTime: at(900),
      // Input as JSON text, as some SDKs store it; the text around the reference is not shown.
      input: JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'describe' }, { type: 'image_url', image_url: { url: reference('image/png', 'img1') } }] }]),
      output: { audio: reference('audio/wav', 'wav1', 'base64_data_uri') },
      metadata: { document: reference('application/pdf', 'pdf1'), other: 'x' },
    }),
    stored('event-create', {
      id: 'e',
      traceId: 't',
      parentObservationId: 'root',
      name: 'gave-up',
      startTime: at(950),
      input: 'before [media not uploaded by otel-langfuse: image/jpeg, 2048 bytes; upload failed (upload-http-403)] after',
    }),
  ];
  const trace = assembleTrace(events, 't');
  if (!trace) throw new Error('no trace');
  return trace;
}

describe('media in the terminal trace view', () => {
  it('lists each media reference as [type size] with its field, the trace in the header, observations under their name', () => {
    expect(renderTrace(mediaTrace(), { mediaSize: sizeOf }).split('\n')).toEqual([
      'Trace vision · 1.00s · 3 observations',
      'id t · input [image/png 34 KB]',
      'span       vision                                   1.00s |████████████████████|',
      'generation   llm                                    890ms |██████████████████  |',
      '               gpt-4o',
      '               input [image/png 34 KB] · output [audio/wav 700 B]',
      '               metadata [application/pdf 1.5 MB]',
      'event        gave-up                                      |                   ◆|',
      '               input [image/jpeg 2 KB, not uploaded]',
    ]);
  });

  it('without the media store (or for media it does not know) the type only', () => {
    const lines = renderTrace(mediaTrace()).split('\n');
    expect(lines[1]).toBe('id t · input [image/png]');
    expect(lines).toContain('               input [image/png] · output [audio/wav]');
    expect(lines).toContain('               metadata [application/pdf]');
    const partly = renderTrace(mediaTrace(), { mediaSize: (id) => (id === 'wav1' ? 700 : undefined) }).split('\n');
    expect(partly).toContain('               input [image/png] · output [audio/wav 700 B]');
  });

  it('puts media after the name when it fits, and fits every line in narrow terminals', () => {
    const wide = renderTrace(mediaTrace(), { mediaSize: sizeOf, width: 240 }).split('\n');
    expect(wide.find((line) => line.includes(' llm '))).toContain('llm  gpt-4o · input [image/png 34 KB] · output [audio/wav 700 B] · metadata [application/pdf 1.5 MB]');
    for (const width of [40, 60]) {
      const lines = renderTrace(mediaTrace(), { mediaSize: sizeOf, width }).split('\n');
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      expect(lines.join('\n')).toContain('[image/png 34 KB]');
    }
  });

  it('shows at most 8 labels per field, then how many more; ignores values without media', () => {
    const many = Array.from({ length: 11 }, (_, i) => reference('image/png', `id${i}`));
    const labels = mediaLabels({ parts: many, text: 'plain' }, () => 10);
    expect(labels).toEqual([...Array.from({ length: 8 }, () => '[image/png 10 B]'), '+3 more']);
    expect(mediaLabels({ a: 'no media here', b: [1, null, { c: 'x' }] }, sizeOf)).toEqual([]);
    expect(renderTrace(assembleTrace([stored('trace-create', { id: 'q', name: 'plain', input: 'hello' })], 'q')!).split('\n')[1]).toBe('id q');
  });

  it('formats sizes in B, KB and MB', () => {
    expect([0, 700, 1024, 34 * 1024 + 8, 1_572_864, 20 * 1024 * 1024, 150 * 1024 * 1024].map(formatBytes)).toEqual([
      '0 B',
      '700 B',
      '1 KB',
      '34 KB',
      '1.5 MB',
      '20 MB',
      '150 MB',
    ]);
  });
});

describe('media in the trace view of a running receiver', () => {
  const receiver = useReceiver();

  it('takes the size from the media the receiver stored (POST /api/public/media, then the upload)', async () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(34 * 1024)]);
    const sha256Hash = createHash('sha256').update(bytes).digest('base64');
    const auth = `Basic ${Buffer.from(`${receiver().publicKey}:${receiver().secretKey}`).toString('base64')}`;
    const registered = await fetch(`${receiver().url}/api/public/media`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ traceId: 'tr', observationId: 'gen', contentType: 'image/png', contentLength: bytes.length, sha256Hash, field: 'input' }),
    });
    const { mediaId, uploadUrl } = (await registered.json()) as { mediaId: string; uploadUrl: string };
    const upload = await fetch(uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png', 'x-amz-checksum-sha256': sha256Hash } });
    expect(upload.status).toBe(200);
    const reply = await ingest(receiver(), [
      { id: 'e1', type: 'trace-create', timestamp: at(0), body: { id: 'tr', name: 'vision' } },
      {
        id: 'e2',
        type: 'generation-create',
        timestamp: at(0),
        body: { id: 'gen', traceId: 'tr', name: 'llm', startTime: at(0), endTime: at(500), input: ['describe', reference('image/png', mediaId)] },
      },
    ]);
    expect(reply.errors).toEqual([]);

    let reads = 0;
    const mediaSize = mediaSizesOf(() => {
      reads++;
      return receiver().media();
    });
    const lines = renderTrace(receiver().trace('tr')!, { mediaSize }).split('\n');
    expect(lines.find((line) => line.includes(' llm '))).toContain('llm  input [image/png 34 KB]');
    expect(mediaSize('unknown')).toBeUndefined();
    expect(reads).toBe(1);
    expect(formatBytes(bytes.length)).toBe('34 KB');
  });
});
