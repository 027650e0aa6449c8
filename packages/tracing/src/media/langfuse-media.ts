import { BYTES_SOURCE_PARAMETER, mediaMarker, supportedContentType } from '@otel-langfuse/exporter/internal';
import { log } from '../logger.js';
import { safeRead } from '../values/safe-read.js';

/**
 * The method every `LangfuseMedia` has under this symbol, whichever copy of the package made it (a process can load
 * the ESM and the CommonJS build together), so the serializer recognizes media without `instanceof`.
 */
export const MEDIA_TEXT = Symbol.for('@otel-langfuse/tracing LangfuseMedia text v1');

/** Largest media item the facade writes into a span (decoded bytes): the exporter's default `maxMediaBytes`. */
export const MEDIA_MAX_BYTES = 20 * 1024 * 1024;

/** What a value holds in place of a `LangfuseMedia`. */
export interface MediaText {
  /** The data URI the exporter uploads and replaces by its reference, or a marker saying why there is none. */
  text: string;
  /** True for a data URI, false for a marker. */
  media: boolean;
  contentType: string;
  /** Decoded size. */
  bytes: number;
}

/**
 * How a {@link LangfuseMedia} is made: bytes and the content type they have, or a base64 data URI
 * (`data:<mime>;base64,…`), which names its type itself.
 */
export type LangfuseMediaParams =
  | {
      /** One of the content types Langfuse's media API accepts, e.g. `image/png`, `audio/wav`, `application/pdf`. */
      contentType: string;
      /**
       * The bytes: a `Buffer`, `Uint8Array` (any typed array or `DataView`, its bytes as they lie in memory) or
       * `ArrayBuffer`. Read when the value is written to a span, not copied before.
       */
      contentBytes: ArrayBufferView | ArrayBuffer;
    }
  | {
      /** `data:<mime>;base64,<payload>` (standard or URL-safe base64). */
      base64DataUri: string;
    };

/**
 * As the exporter extracts them; parameter values printable ASCII without quotes or backslashes, so the whole is
 * JSON-safe: what matches is written into the span's JSON unescaped.
 */
const DATA_URI = /^data:([A-Za-z0-9.+-]+\/[A-Za-z0-9.+-]+)((?:;[A-Za-z0-9.+_-]+=[!#-+\--:<-[\]-~]*)*);base64,([A-Za-z0-9+/_-]+={0,2})$/;

type Content =
  | { kind: 'bytes'; contentType: string; bytes: ArrayBufferView | ArrayBuffer }
  | { kind: 'data-uri'; uri: string; bytes: number }
  | { kind: 'invalid'; marker: string; contentType: string; bytes: number };

/**
 * Media (an image, audio, a PDF…) in a trace's or observation's input, output or metadata, anywhere in the value:
 * `generation({ input: [{ role: 'user', content: [{ type: 'text', text }, new LangfuseMedia({ contentType:
 * 'image/png', contentBytes })] }] })`. The exporter uploads it to Langfuse's media storage and the stored value
 * holds Langfuse's reference string (`@@@langfuseMedia:type=image/png|id=…|source=bytes@@@`), which Langfuse's UI
 * shows as the image. Until then the span attribute holds it as a data URI. Never throws: a content type Langfuse
 * does not accept, a malformed data URI or bytes over 20 MiB give one warning and a marker in the value
 * (`[media not uploaded by otel-langfuse: …]`). See docs/media.md.
 */
export class LangfuseMedia {
  // Private fields, not TypeScript's `readonly`: whatever a caller assigns, the text written is made from the type
  // checked here (it goes into the span's JSON unescaped).
  readonly #contentType: string | undefined;
  readonly #content: Content;

  constructor(params: LangfuseMediaParams) {
    const dataUri = safeRead(params, 'base64DataUri');
    const given = safeRead(params, 'contentType');
    const declared = typeof given === 'string' ? given.trim().toLowerCase() : undefined;
    if (dataUri !== undefined) {
      const parsed = parseDataUri(dataUri);
      this.#contentType = parsed?.contentType;
      this.#content = parsed
        ? checked(parsed.contentType, parsed.bytes, { kind: 'data-uri', uri: dataUri as string, bytes: parsed.bytes })
        : invalid('malformed-data-uri', 'unknown type', 0, 'base64DataUri is not a base64 data URI (data:<type>;base64,…)');
      return;
    }
    this.#contentType = declared;
    const bytes = safeRead(params, 'contentBytes');
    if (!isBytes(bytes)) {
      this.#content = invalid('no-bytes', declared === undefined || declared === '' ? 'unknown type' : shownType(declared), 0, 'contentBytes is not a Uint8Array, Buffer or ArrayBuffer, and no base64DataUri was given');
      return;
    }
    if (declared === undefined || declared === '') {
      this.#content = invalid('no-content-type', 'unknown type', byteLength(bytes), 'contentBytes was given without a contentType');
      return;
    }
    this.#content = checked(declared, byteLength(bytes), { kind: 'bytes', contentType: declared, bytes });
  }

  /** The content type (lower-cased), when one was given or read from the data URI. */
  get contentType(): string | undefined {
    return this.#contentType;
  }

  /** The data URI the span gets, or the marker. Also what `JSON.stringify` writes. */
  toJSON(): string {
    return this[MEDIA_TEXT]().text;
  }

  /** See {@link MEDIA_TEXT}. Never throws. */
  [MEDIA_TEXT](): MediaText {
    const content = this.#content;
    if (content.kind === 'invalid') return { text: content.marker, media: false, contentType: content.contentType, bytes: content.bytes };
    if (content.kind === 'data-uri') return { text: content.uri, media: true, contentType: this.#contentType ?? 'unknown type', bytes: content.bytes };
    const contentType = content.contentType;
    try {
      const bytes = content.bytes;
      const view = ArrayBuffer.isView(bytes) ? bytes : new Uint8Array(bytes);
      // Read now: bytes emptied since (a transferred ArrayBuffer) are not worth an upload, and a resizable
      // ArrayBuffer may have grown past the limit since the constructor checked it.
      const size = view.byteLength;
      if (size === 0) return { text: mediaProblem('empty', contentType, 0, 'the bytes were empty when the value was written'), media: false, contentType, bytes: 0 };
      if (size > MEDIA_MAX_BYTES) return { text: mediaProblem('too-large', contentType, size, TOO_LARGE), media: false, contentType, bytes: size };
      const base64 = Buffer.from(view.buffer, view.byteOffset, size).toString('base64');
      return { text: `data:${contentType};${BYTES_SOURCE_PARAMETER};base64,${base64}`, media: true, contentType, bytes: size };
    } catch {
      return { text: mediaProblem('unreadable', contentType, 0, 'the bytes could not be read'), media: false, contentType, bytes: 0 };
    }
  }
}

/** The method of this copy's `LangfuseMedia`: only what it returns may be written into JSON without escaping. */
export const ORIGINAL_MEDIA_TEXT: () => MediaText = Object.getOwnPropertyDescriptor(LangfuseMedia.prototype, MEDIA_TEXT)!.value as () => MediaText;

const TOO_LARGE = `over the tracing facade's media limit (${MEDIA_MAX_BYTES} bytes)`;

/** A content type as a marker or log line shows it: printable ASCII, at most 100 characters. */
export function shownType(contentType: string): string {
  return contentType.slice(0, 100).replace(/[^\x20-\x7e]/g, '?');
}

/** The content, or a marker when the type is not one Langfuse accepts or the size is out of bounds. */
function checked(contentType: string, bytes: number, content: Content): Content {
  const type = supportedContentType(contentType);
  if (type === undefined) {
    const shown = shownType(contentType);
    return invalid('unsupported-type', shown, bytes, `content type ${shown} is not one Langfuse's media API accepts`);
  }
  if (bytes === 0) return invalid('empty', type, 0, 'the media is empty');
  if (bytes > MEDIA_MAX_BYTES) return invalid('too-large', type, bytes, TOO_LARGE);
  return content.kind === 'bytes' ? { ...content, contentType: type } : content;
}

function invalid(code: string, contentType: string, bytes: number, why: string): Content {
  return { kind: 'invalid', marker: mediaProblem(code, contentType, bytes, why), contentType, bytes };
}

/** One warning per kind of problem (per process), and the marker that stands in the value. */
export function mediaProblem(code: string, contentType: string, bytes: number, why: string): string {
  log.once('warn', `media-${code}`, `LangfuseMedia: ${why}; the value holds a marker instead, nothing is uploaded`);
  return mediaMarker(contentType, bytes, why);
}

/** A typed array, DataView or ArrayBuffer (from any realm). */
function isBytes(value: unknown): value is ArrayBufferView | ArrayBuffer {
  return ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function byteLength(bytes: ArrayBufferView | ArrayBuffer): number {
  try {
    return bytes.byteLength;
  } catch {
    return 0;
  }
}

/** The content type and decoded size of a well-formed base64 data URI, else undefined. */
export function parseDataUri(value: unknown): { contentType: string; bytes: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATA_URI.exec(value);
  const payload = match?.[3];
  if (match === null || payload === undefined || payload.length % 4 === 1) return undefined;
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return { contentType: match[1]!.toLowerCase(), bytes: Math.floor((payload.length * 3) / 4) - padding };
}
