import { MEDIA_MAX_BYTES, MEDIA_TEXT, ORIGINAL_MEDIA_TEXT, mediaProblem, parseDataUri, shownType, type MediaText } from '../media/langfuse-media.js';

/**
 * What a data URI counts against a value's character budget: about the length of the reference the exporter puts
 * in its place (`@@@langfuseMedia:type=…|id=…|source=…@@@`), not the data URI's, so media does not crowd out the
 * text around it.
 */
export const MEDIA_BUDGET_CHARS = 160;

/** All media of one value together (of all metadata keys of one call together), decoded bytes. */
export const MEDIA_MAX_VALUE_BYTES = 64 * 1024 * 1024;

/** Media as the writer gets it: `trusted` when this copy's own `LangfuseMedia` method made the data URI. */
export interface ReadMedia extends MediaText {
  trusted: boolean;
}

/**
 * The media text of a `LangfuseMedia` (of any copy of this package), undefined for anything else. May throw (a
 * Proxy). Nothing reported is taken on trust: a data URI is checked against the strict pattern (else it becomes a
 * marker) and its size and type are read from the URI itself, so another copy (or a subclass) cannot pass more bytes
 * than it claims, nor text JSON would have to escape as unescaped media.
 */
export function readMedia(object: object): ReadMedia | undefined {
  const method = (object as { [MEDIA_TEXT]?: unknown })[MEDIA_TEXT];
  if (typeof method !== 'function') return undefined;
  const media = method.call(object) as Partial<MediaText> | undefined;
  const text = media?.text;
  if (typeof text !== 'string') return undefined;
  const reportedType = media!.contentType;
  const contentType = typeof reportedType === 'string' ? shownType(reportedType) : 'unknown type';
  if (media!.media !== true) return { text, media: false, contentType, bytes: 0, trusted: false };
  const parsed = parseDataUri(text);
  if (parsed === undefined) {
    return { text: mediaProblem('malformed-media-text', contentType, 0, 'the media text is not a base64 data URI'), media: false, contentType, bytes: 0, trusted: false };
  }
  if (parsed.bytes > MEDIA_MAX_BYTES) {
    const why = `over the tracing facade's media limit (${MEDIA_MAX_BYTES} bytes)`;
    return { text: mediaProblem('too-large', parsed.contentType, parsed.bytes, why), media: false, contentType: parsed.contentType, bytes: parsed.bytes, trusted: false };
  }
  return { text, media: true, contentType: parsed.contentType, bytes: parsed.bytes, trusted: method === ORIGINAL_MEDIA_TEXT };
}

/** Keeps the media of one value within `maxBytes` (default `MEDIA_MAX_VALUE_BYTES`). */
export class MediaAllowance {
  private used = 0;

  constructor(private readonly maxBytes: number = MEDIA_MAX_VALUE_BYTES) {}

  /** The data URI when it fits in what is left of the value's media and character budgets, else a marker. */
  admit(media: MediaText, charsLeft: number): MediaText {
    if (!media.media) return media;
    if (this.used + media.bytes > this.maxBytes) {
      return this.marker(media, 'over-value-limit', `the media of one value passed the tracing facade's limit (${this.maxBytes} bytes in all)`);
    }
    if (charsLeft < MEDIA_BUDGET_CHARS) return this.marker(media, 'no-room', "no room left in the value's size cap");
    this.used += media.bytes;
    return media;
  }

  private marker(media: MediaText, code: string, why: string): MediaText {
    return { ...media, media: false, text: mediaProblem(code, media.contentType, media.bytes, why) };
  }
}
