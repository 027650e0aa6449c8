import { createHash } from 'node:crypto';
import { audioFormatContentType, sniffAudioType, supportedContentType } from './media-content-types.js';
import { BYTES_SOURCE_PARAMETER, mediaMarker, mediaPlaceholder, type MediaSource } from './media-reference.js';

/** Media found in a value, to upload; the rewritten value holds `placeholder` where it was. */
export interface ExtractedMedia {
  placeholder: string;
  contentType: string;
  bytes: Buffer;
  /** SHA-256 of the bytes, base64 (as the media API and S3's checksum header take it). */
  sha256: string;
  source: MediaSource;
}

/** Media left out without an upload (replaced by a marker at once). */
export interface SkippedMedia {
  reason: 'too-large' | 'too-many' | 'truncated';
  contentType: string;
  bytes: number;
}

export interface MediaExtraction {
  /** The value with media replaced by placeholders (or markers); the very same value when nothing was found. */
  value: unknown;
  /** Each content once (by hash). */
  media: ExtractedMedia[];
  skipped: SkippedMedia[];
}

export interface ExtractMediaOptions {
  /** Media larger than this (decoded) is replaced by a marker, never decoded. */
  maxMediaBytes: number;
  /** At most this many distinct media per value; later ones get a marker. Default 50. */
  maxItems?: number;
}

const MAX_DEPTH = 64;
const DATA_URI = /data:([A-Za-z0-9.+-]+\/[A-Za-z0-9.+-]+)((?:;[A-Za-z0-9.+_-]+=[^;,"\s]*)*);base64,([A-Za-z0-9+/_-]+={0,2})/g;
/** How the tracing facade ends a string it cut to its size cap. */
const CUT_SHORT = '...[truncated ';
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** Shorter raw base64 in a media slot is left alone: too small to be worth a round trip, and maybe not media. */
const MIN_RAW_BASE64_CHARS = 16;

/**
 * Finds media in a value (input, output or metadata, as mapped from a span) and replaces each by a placeholder:
 * `data:<mime>;base64,…` strings anywhere (inside longer text too; URL-safe base64 too), and raw base64 in the
 * known message-part shapes: OpenAI `input_audio.data` and `audio.data`, AI SDK `{type:'file', data, mediaType}`
 * and `{type:'image', image, mediaType}`, GenAI `{type:'blob', content, mime_type}`. Content types Langfuse does
 * not accept are left as they are. Pure: the value given is never changed.
 */
export function extractMedia(value: unknown, options: ExtractMediaOptions): MediaExtraction {
  const found = new Map<string, ExtractedMedia>();
  const skipped: SkippedMedia[] = [];
  const maxItems = options.maxItems ?? 50;

  /** The placeholder (or marker) for base64 `payload` of `contentType`, or undefined to leave it. */
  const take = (contentType: string | undefined, payload: string, source: MediaSource, sniff?: (bytes: Buffer) => string | undefined): string | undefined => {
    if (payload.length % 4 === 1) return undefined;
    const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
    const size = Math.floor((payload.length * 3) / 4) - padding;
    const declared = contentType === undefined ? undefined : supportedContentType(contentType);
    if (contentType !== undefined && declared === undefined) return undefined;
    if (size > options.maxMediaBytes) {
      if (declared === undefined) return undefined;
      skipped.push({ reason: 'too-large', contentType: declared, bytes: size });
      return mediaMarker(declared, size, `over maxMediaBytes (${options.maxMediaBytes})`);
    }
    const bytes = Buffer.from(payload, 'base64');
    const type = declared ?? (sniff ? sniff(bytes) : undefined);
    if (type === undefined || bytes.length === 0) return undefined;
    const sha256 = createHash('sha256').update(bytes).digest('base64');
    const placeholder = mediaPlaceholder(sha256);
    if (!found.has(placeholder)) {
      if (found.size >= maxItems) {
        skipped.push({ reason: 'too-many', contentType: type, bytes: bytes.length });
        return mediaMarker(type, bytes.length, `more than ${maxItems} media in one value`);
      }
      found.set(placeholder, { placeholder, contentType: type, bytes, sha256, source });
    }
    return placeholder;
  };

  const rewriteString = (text: string): string => {
    if (!text.includes('data:')) return text;
    return text.replace(DATA_URI, (whole: string, mime: string, params: string, payload: string, offset: number) => {
      // Cut short before the exporter saw it (the tracing facade's value cap): the bytes are incomplete.
      if (text.startsWith(CUT_SHORT, offset + whole.length)) return cutShort(mime, payload) ?? whole;
      return take(mime, payload, sourceOf(params)) ?? whole;
    });
  };

  const cutShort = (mime: string, payload: string): string | undefined => {
    const type = supportedContentType(mime);
    if (type === undefined) return undefined;
    const size = Math.floor((payload.length * 3) / 4);
    skipped.push({ reason: 'truncated', contentType: type, bytes: size });
    return mediaMarker(type, size, 'cut short before export, not uploaded');
  };

  const rawSlot = (text: string, contentType: string | undefined, sniff?: (bytes: Buffer) => string | undefined): string => {
    if (text.startsWith('data:')) return rewriteString(text);
    if (text.length < MIN_RAW_BASE64_CHARS || !BASE64.test(text)) return text;
    return take(contentType, text, 'bytes', sniff) ?? text;
  };

  const walk = (item: unknown, depth: number, parentKey: string | undefined): unknown => {
    if (typeof item === 'string') return rewriteString(item);
    if (typeof item !== 'object' || item === null || depth > MAX_DEPTH) return item;
    if (Array.isArray(item)) {
      let copy: unknown[] | undefined;
      item.forEach((child, i) => {
        const rewritten = walk(child, depth + 1, undefined);
        if (rewritten !== child) (copy ??= item.slice())[i] = rewritten;
      });
      return copy ?? item;
    }
    const proto: unknown = Object.getPrototypeOf(item);
    if (proto !== Object.prototype && proto !== null) return item;
    const record = item as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(record)) {
      const slot = typeof child === 'string' ? slotOf(record, key, parentKey) : undefined;
      const rewritten = slot ? rawSlot(child as string, slot.contentType, slot.sniff) : walk(child, depth + 1, key);
      if (rewritten !== child) (copy ??= { ...record })[key] = rewritten;
    }
    return copy ?? item;
  };

  return { value: walk(value, 0, undefined), media: [...found.values()], skipped };
}

/** `bytes` for a data URI the tracing facade made from bytes (see BYTES_SOURCE_PARAMETER), else `base64_data_uri`. */
function sourceOf(params: string): MediaSource {
  return params.split(';').includes(BYTES_SOURCE_PARAMETER) ? 'bytes' : 'base64_data_uri';
}

interface Slot {
  contentType: string | undefined;
  sniff?: (bytes: Buffer) => string | undefined;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Whether `record[key]` holds raw base64 media in one of the message-part shapes known, and of which type. */
function slotOf(record: Record<string, unknown>, key: string, parentKey: string | undefined): Slot | undefined {
  const type = record['type'];
  if (key === 'data' && parentKey === 'input_audio') return { contentType: audioFormatContentType(record['format']) };
  if (key === 'data' && parentKey === 'audio' && ('transcript' in record || 'format' in record || 'expires_at' in record)) {
    const declared = audioFormatContentType(record['format']);
    return declared ? { contentType: declared } : { contentType: undefined, sniff: sniffAudioType };
  }
  if (type === 'file' && key === 'data') {
    const declared = text(record['mediaType']) ?? text(record['mimeType']);
    return declared ? { contentType: declared } : undefined;
  }
  if (type === 'image' && key === 'image') {
    const declared = text(record['mediaType']) ?? text(record['mimeType']);
    return declared ? { contentType: declared } : { contentType: undefined, sniff: sniffImageType };
  }
  if (type === 'blob' && key === 'content') {
    const declared = text(record['mime_type']) ?? text(record['mimeType']);
    return declared ? { contentType: declared } : undefined;
  }
  return undefined;
}

function sniffImageType(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x89 && bytes.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const ascii = bytes.subarray(0, 12).toString('latin1');
  if (ascii.startsWith('GIF8')) return 'image/gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}
