import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { extractMedia } from '../../src/media/extract-media.js';
import { mediaPlaceholder, resolvePlaceholders } from '../../src/media/media-reference.js';

const OPTIONS = { maxMediaBytes: 1024 * 1024 };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300)]);
const WAV = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), randomBytes(200)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const dataUri = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

describe('extractMedia', () => {
  it('replaces a data URI nested deep in a message list, keeping the text around it', () => {
    const input = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: dataUri('image/png', PNG) } }] },
      ],
    };
    const before = JSON.stringify(input);
    const { value, media, skipped } = extractMedia(input, OPTIONS);
    expect(JSON.stringify(input)).toBe(before);
    expect(skipped).toEqual([]);
    expect(media).toHaveLength(1);
    expect(media[0]!.contentType).toBe('image/png');
    expect(media[0]!.bytes.equals(PNG)).toBe(true);
    expect(media[0]!.sha256).toBe(sha(PNG));
    expect(media[0]!.source).toBe('base64_data_uri');
    const rewritten = value as typeof input;
    expect(rewritten.messages[0]!.content[0]).toBe(input.messages[0]!.content[0]);
    expect((rewritten.messages[0]!.content[1] as { image_url: { url: string } }).image_url.url).toBe(media[0]!.placeholder);
  });

  it('finds data URIs inside longer text (markdown) and decodes URL-safe base64', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe, ...randomBytes(60), 0xff, 0xfb]);
    const urlSafe = bytes.toString('base64url');
    expect(urlSafe).toMatch(/[-_]/);
    const text = `before ![img](data:image/jpeg;base64,${urlSafe}) after`;
    const { value, media } = extractMedia(text, OPTIONS);
    expect(media[0]!.bytes.equals(bytes)).toBe(true);
    expect(value).toBe(`before ![img](${media[0]!.placeholder}) after`);
  });

  it('a data URI with the facade\'s bytes parameter (LangfuseMedia from bytes) gets source bytes; the same bytes plain get base64_data_uri', () => {
    const fromBytes = `data:image/png;otel-langfuse-source=bytes;base64,${PNG.toString('base64')}`;
    const [viaFacade] = extractMedia(fromBytes, OPTIONS).media;
    const [plain] = extractMedia(dataUri('image/png', PNG), OPTIONS).media;
    expect(viaFacade).toMatchObject({ contentType: 'image/png', source: 'bytes', sha256: sha(PNG) });
    expect(viaFacade!.bytes.equals(PNG)).toBe(true);
    expect(plain!.source).toBe('base64_data_uri');
  });

  it('takes OpenAI input_audio parts and audio outputs (format named or sniffed)', () => {
    const input = [{ type: 'input_audio', input_audio: { data: WAV.toString('base64'), format: 'wav' } }];
    const output = { role: 'assistant', audio: { id: 'audio_1', data: WAV.toString('base64'), transcript: 'hello', expires_at: 1 } };
    const a = extractMedia(input, OPTIONS);
    const b = extractMedia(output, OPTIONS);
    expect(a.media.map((m) => [m.contentType, m.source])).toEqual([['audio/wav', 'bytes']]);
    expect(b.media.map((m) => m.contentType)).toEqual(['audio/wav']);
    expect((b.value as typeof output).audio.transcript).toBe('hello');
    expect((b.value as typeof output).audio.data).toBe(b.media[0]!.placeholder);
  });

  it('takes AI SDK file/image parts and GenAI blob parts', () => {
    const pdf = Buffer.from('%PDF-1.7 ' + 'x'.repeat(100));
    const value = [
      { type: 'file', data: pdf.toString('base64'), mediaType: 'application/pdf' },
      { type: 'image', image: PNG.toString('base64') },
      { type: 'blob', modality: 'image', mime_type: 'image/png', content: PNG.toString('base64') },
    ];
    const { media } = extractMedia(value, OPTIONS);
    expect(media.map((m) => m.contentType).sort()).toEqual(['application/pdf', 'image/png']);
  });

  it('leaves unsupported types, plain strings and short or malformed payloads untouched (same object)', () => {
    const value = {
      a: 'data:application/x-unknown;base64,' + randomBytes(40).toString('base64'),
      b: 'no media here',
      c: { type: 'file', data: 'aGVsbG8=', mediaType: 'application/pdf' },
      d: { type: 'file', data: randomBytes(40).toString('base64') },
      e: 'data:image/png;base64,A',
    };
    const result = extractMedia(value, OPTIONS);
    expect(result.value).toBe(value);
    expect(result.media).toEqual([]);
  });

  it('the same image twice is one media item, one placeholder', () => {
    const uri = dataUri('image/png', PNG);
    const { value, media } = extractMedia([uri, { nested: uri }], OPTIONS);
    expect(media).toHaveLength(1);
    expect(value).toEqual([media[0]!.placeholder, { nested: media[0]!.placeholder }]);
    expect(media[0]!.placeholder).toBe(mediaPlaceholder(sha(PNG)));
  });

  it('replaces media over maxMediaBytes by a marker without decoding it, and bounds a huge string', () => {
    const huge = 'data:image/png;base64,' + 'A'.repeat(8 * 1024 * 1024);
    const started = process.hrtime.bigint();
    const { value, media, skipped } = extractMedia({ input: `look: ${huge}` }, { maxMediaBytes: 1024 * 1024 });
    expect(media).toEqual([]);
    expect(skipped).toEqual([{ reason: 'too-large', contentType: 'image/png', bytes: 6 * 1024 * 1024 }]);
    const text = (value as { input: string }).input;
    expect(text.length).toBeLessThan(200);
    expect(text).toMatch(/^look: \[media not uploaded by otel-langfuse: image\/png, 6291456 bytes; over maxMediaBytes \(1048576\)\]$/);
    // Linear work: a single pass over 8 MiB, far below a second even on a loaded machine.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });

  it('a data URI cut short before export (the facade\'s "...[truncated N chars]") is not uploaded: a marker', () => {
    const text = `${dataUri('image/png', PNG).slice(0, 200)}...[truncated 12345 chars]`;
    const { value, media, skipped } = extractMedia({ text }, OPTIONS);
    expect(media).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual(['truncated']);
    expect((value as { text: string }).text).toMatch(/^\[media not uploaded by otel-langfuse: image\/png, \d+ bytes; cut short before export, not uploaded\]\.\.\.\[truncated 12345 chars\]$/);
  });

  it('caps the number of media per value', () => {
    const values = Array.from({ length: 5 }, () => dataUri('image/png', Buffer.concat([PNG, randomBytes(8)])));
    const { media, skipped } = extractMedia(values, { ...OPTIONS, maxItems: 3 });
    expect(media).toHaveLength(3);
    expect(skipped.map((s) => s.reason)).toEqual(['too-many', 'too-many']);
  });

  it('placeholders resolve inside JSON text', () => {
    const { value, media } = extractMedia({ text: 'hi', image: dataUri('image/png', PNG) }, OPTIONS);
    const json = JSON.stringify(value);
    const resolved = resolvePlaceholders(json, new Map([[media[0]!.placeholder, '@@@langfuseMedia:type=image/png|id=abc|source=base64_data_uri@@@']]));
    expect(JSON.parse(resolved)).toEqual({ text: 'hi', image: '@@@langfuseMedia:type=image/png|id=abc|source=base64_data_uri@@@' });
  });
});
