import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type CapturedDiag } from '@otel-langfuse/test-support';
import { LangfuseMedia, serializeValue } from '../src/index.js';
import { MEDIA_MAX_BYTES, MEDIA_TEXT } from '../src/media/langfuse-media.js';
import { MEDIA_BUDGET_CHARS, MEDIA_MAX_VALUE_BYTES, MediaAllowance } from '../src/values/media-value.js';
import { SERIALIZE_MAX_CHARS } from '../src/values/serialize-value.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1024)]);
const fromBytes = (mime: string, bytes: Buffer) => `data:${mime};otel-langfuse-source=bytes;base64,${bytes.toString('base64')}`;
const MARKER = /^\[media not uploaded by otel-langfuse: /;

let logs: CapturedDiag;
beforeEach(() => {
  logs = captureDiag();
});
afterEach(() => logs.restore());

const warnings = (text: string) => logs.lines.filter((line) => line.level === 'warn' && line.message.includes(text));

describe('LangfuseMedia', () => {
  it('writes bytes as a data URI marked as made from bytes, anywhere in a value; a data URI as it was given', () => {
    const image = new LangfuseMedia({ contentType: 'Image/PNG', contentBytes: PNG });
    const uri = `data:audio/wav;base64,${randomBytes(300).toString('base64')}`;
    const audio = new LangfuseMedia({ base64DataUri: uri });
    expect(image.contentType).toBe('image/png');
    expect(audio.contentType).toBe('audio/wav');
    expect(JSON.parse(serializeValue({ text: 'look', parts: [image, { audio }] })!)).toEqual({ text: 'look', parts: [fromBytes('image/png', PNG), { audio: uri }] });
    // Alone (the whole input) it is a JSON string, as any non-string value is.
    expect(JSON.parse(serializeValue(image)!)).toBe(fromBytes('image/png', PNG));
    expect(JSON.stringify({ image })).toBe(JSON.stringify({ image: fromBytes('image/png', PNG) }));
  });

  it('recognizes media made by another copy of the package (the CommonJS build beside the ESM one) by its symbol', () => {
    const uri = `data:image/png;base64,${PNG.toString('base64')}`;
    class OtherCopysMedia {
      [Symbol.for('@otel-langfuse/tracing LangfuseMedia text v1')]() {
        return { text: uri, media: true, contentType: 'image/png', bytes: PNG.length };
      }
    }
    const fromOtherCopy = new OtherCopysMedia();
    expect(JSON.parse(serializeValue({ image: fromOtherCopy, text: 'b'.repeat(SERIALIZE_MAX_CHARS - 1000) })!)).toMatchObject({ image: uri });
  });

  it('reads Uint8Array views, ArrayBuffers and typed arrays at their offset, when written', () => {
    const backing = Buffer.concat([Buffer.from('xxxx'), PNG, Buffer.from('yyyy')]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, PNG.length);
    const arrayBuffer = PNG.buffer.slice(PNG.byteOffset, PNG.byteOffset + PNG.length);
    for (const contentBytes of [view, arrayBuffer, new Uint16Array(arrayBuffer.slice(0, 1024))]) {
      const expected = Buffer.from(ArrayBuffer.isView(contentBytes) ? contentBytes.buffer.slice(contentBytes.byteOffset, contentBytes.byteOffset + contentBytes.byteLength) : contentBytes);
      expect(JSON.parse(serializeValue(new LangfuseMedia({ contentType: 'image/png', contentBytes }))!)).toBe(fromBytes('image/png', expected));
    }
  });

  it('does not count the data URI against the value cap: a 1.5 MB image and 990 000 characters of text are both kept whole', () => {
    const big = randomBytes(1_500_000);
    const text = 'a'.repeat(990_000);
    const written = JSON.parse(serializeValue({ text, image: new LangfuseMedia({ contentType: 'image/png', contentBytes: big }) })!) as Record<string, string>;
    expect(written['text']).toBe(text);
    expect(written['image']).toBe(fromBytes('image/png', big));
    // Counted as the reference it becomes: the text after it is still cut at the cap.
    const crowded = JSON.parse(serializeValue([new LangfuseMedia({ contentType: 'image/png', contentBytes: PNG }), 'b'.repeat(SERIALIZE_MAX_CHARS)])!) as string[];
    expect(crowded[0]).toBe(fromBytes('image/png', PNG));
    expect(crowded[1]!.length).toBeLessThan(SERIALIZE_MAX_CHARS - MEDIA_BUDGET_CHARS + 100);
    expect(crowded[1]).toContain('...[truncated');
  });

  it('an unsupported content type, a malformed data URI, bytes without a type or no bytes: a marker and one warning each, nothing throws', () => {
    const cases = [
      { params: { contentType: 'image/x-unknown', contentBytes: PNG }, warning: 'image/x-unknown is not one' },
      { params: { base64DataUri: 'data:image/png;base64,@@not base64@@' }, warning: 'not a base64 data URI' },
      { params: { base64DataUri: 42 }, warning: 'not a base64 data URI' },
      // A parameter JSON would have to escape (the facade writes media unescaped).
      { params: { base64DataUri: 'data:image/png;name=a\\b;base64,iVBORw0KGgo=' }, warning: 'not a base64 data URI' },
      { params: { base64DataUri: 'data:image/png;name=a\u0001;base64,iVBORw0KGgo=' }, warning: 'not a base64 data URI' },
      { params: { contentBytes: PNG }, warning: 'without a contentType' },
      { params: { contentType: 'image/png', contentBytes: 'iVBORw0KGgo=' }, warning: 'not a Uint8Array' },
      { params: { contentType: 'image/png', contentBytes: new Uint8Array(0) }, warning: 'empty' },
      { params: null, warning: 'not a Uint8Array' },
    ];
    for (const { params, warning } of cases) {
      const media = new LangfuseMedia(params as never);
      const written = JSON.parse(serializeValue({ media })!) as { media: string };
      // The marker says why, for each case (one warning per kind of problem, so the warning count cannot tell them apart).
      expect(written.media, JSON.stringify(params)).toMatch(MARKER);
      expect(written.media, JSON.stringify(params)).toContain(warning);
      expect(warnings(warning).length, warning).toBe(1);
    }
    // The same problem again: the marker, no second warning.
    expect(JSON.parse(serializeValue(new LangfuseMedia({ contentType: 'video/x-odd', contentBytes: PNG }))!)).toBe(
      "[media not uploaded by otel-langfuse: video/x-odd, 1032 bytes; content type video/x-odd is not one Langfuse's media API accepts]",
    );
    expect(warnings('is not one Langfuse').length).toBe(1);
    // Control characters of a content type never reach the marker (nor the log line).
    expect(JSON.parse(serializeValue(new LangfuseMedia({ contentType: 'image/\u001b[31mred', contentBytes: PNG }))!)).toContain('image/?[31mred, 1032 bytes;');
  });

  it('bytes over 20 MiB are never encoded: a marker at once', () => {
    const huge = Buffer.alloc(MEDIA_MAX_BYTES + 1);
    const written = JSON.parse(serializeValue({ huge: new LangfuseMedia({ contentType: 'video/mp4', contentBytes: huge }) })!) as { huge: string };
    expect(written.huge).toBe(`[media not uploaded by otel-langfuse: video/mp4, ${MEDIA_MAX_BYTES + 1} bytes; over the tracing facade's media limit (${MEDIA_MAX_BYTES} bytes)]`);
    expect(warnings('media limit').length).toBe(1);
  });

  it('a content type changed after construction changes nothing written: the type checked stays in private state', () => {
    const media = new LangfuseMedia({ contentType: 'image/png', contentBytes: PNG });
    const evil = 'image/x"},"evil":"1';
    expect(Reflect.set(media, 'contentType', evil)).toBe(false);
    Object.defineProperty(media, 'contentType', { value: evil });
    const written = JSON.parse(serializeValue({ media, n: 1n })!) as Record<string, string>;
    expect(written).toEqual({ media: fromBytes('image/png', PNG), n: '1' });
  });

  it("a subclass's own media text is checked and escaped: broken text becomes a marker, never broken or injected JSON", () => {
    class Injecting extends LangfuseMedia {
      override [MEDIA_TEXT]() {
        return { text: 'data:image/png;base64,"},"evil":"1', media: true, contentType: 'image/png', bytes: 1 };
      }
    }
    class Relabelled extends LangfuseMedia {
      override [MEDIA_TEXT]() {
        return { text: `data:image/png;base64,${PNG.toString('base64')}`, media: true, contentType: 'image/png', bytes: 1 };
      }
    }
    const params = { contentType: 'image/png', contentBytes: PNG };
    const written = JSON.parse(serializeValue({ a: new Injecting(params), b: new Relabelled(params), n: 1n })!) as Record<string, string>;
    expect(Object.keys(written)).toEqual(['a', 'b', 'n']);
    expect(written['a']).toMatch(MARKER);
    expect(written['a']).toContain('not a base64 data URI');
    expect(written['b']).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
  });

  it("another copy's media is sized from its data URI, not from the size it reports: over 20 MiB, a marker", () => {
    const payload = 'A'.repeat(((MEDIA_MAX_BYTES + 3) / 3) * 4 + 4);
    class OtherCopysMedia {
      [Symbol.for('@otel-langfuse/tracing LangfuseMedia text v1')]() {
        return { text: `data:image/png;base64,${payload}`, media: true, contentType: 'image/png', bytes: 0 };
      }
    }
    const written = JSON.parse(serializeValue([new OtherCopysMedia(), 1n])!) as string[];
    expect(written[0]).toMatch(MARKER);
    expect(written[0]).toContain('media limit');
  });

  it('a resizable ArrayBuffer grown past 20 MiB after construction: a marker when written', () => {
    const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(length: number): void };
    const buffer = new Resizable(16, { maxByteLength: MEDIA_MAX_BYTES + 1024 });
    const media = new LangfuseMedia({ contentType: 'image/png', contentBytes: new Uint8Array(buffer) });
    buffer.resize(MEDIA_MAX_BYTES + 1);
    expect(JSON.parse(serializeValue(media)!)).toBe(`[media not uploaded by otel-langfuse: image/png, ${MEDIA_MAX_BYTES + 1} bytes; over the tracing facade's media limit (${MEDIA_MAX_BYTES} bytes)]`);
  });

  it('the no-bytes marker shows the content type without control characters, at most 100 characters of it', () => {
    const written = JSON.parse(serializeValue(new LangfuseMedia({ contentType: `image/\u001b[31m${'x'.repeat(500)}`, contentBytes: 'not bytes' } as never))!) as string;
    expect(written).toMatch(MARKER);
    expect(written).toContain(`image/?[31m${'x'.repeat(100 - 11)}, 0 bytes;`);
    expect(written).not.toContain('\u001b');
    expect(written).not.toContain('x'.repeat(90));
  });

  it(`the media of one value are bounded together through serializeValue: past ${MEDIA_MAX_VALUE_BYTES} bytes, markers`, () => {
    const bytes = Buffer.alloc(MEDIA_MAX_BYTES, 7);
    const items = Array.from({ length: 4 }, () => new LangfuseMedia({ contentType: 'image/png', contentBytes: bytes }));
    const written = JSON.parse(serializeValue(items)!) as string[];
    expect(written.slice(0, 3).every((text) => text.startsWith('data:image/png;'))).toBe(true);
    expect(written[3]).toMatch(MARKER);
    expect(written[3]).toContain(`(${MEDIA_MAX_VALUE_BYTES} bytes in all)`);
  });

  it('the media of one value are bounded together: past the limit, markers', () => {
    const allowance = new MediaAllowance(2500);
    const item = { text: 'data:…', media: true, contentType: 'image/png', bytes: 1000 };
    expect(allowance.admit(item, 10_000)).toBe(item);
    expect(allowance.admit(item, 10_000)).toBe(item);
    expect(allowance.admit(item, 10_000).text).toMatch(MARKER);
    expect(new MediaAllowance().admit(item, MEDIA_BUDGET_CHARS - 1).text).toContain('no room left');
  });

  it('a bare Buffer or Uint8Array (no content type) stays a size marker, as before', () => {
    expect(JSON.parse(serializeValue({ raw: PNG, view: new Uint8Array(3) })!)).toEqual({ raw: `[Buffer ${PNG.length} bytes]`, view: '[Uint8Array 3 bytes]' });
  });
});
