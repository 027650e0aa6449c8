import { MEDIA_TEXT, mediaProblem, type MediaText } from '../media/langfuse-media.js';

/**
 * What a data URI counts against a value's character budget: about the length of the reference the exporter puts
 * in its place (`@@@langfuseMedia:type=…|id=…|source=…@@@`), not the data URI's, so media does not crowd out the
 * text around it.
 */
export const MEDIA_BUDGET_CHARS = 160;

/** All media of one value together (of all metadata keys of one call together), decoded bytes. */
export const MEDIA_MAX_VALUE_BYTES = 64 * 1024 * 1024;

/** The media text of a `LangfuseMedia` (of any copy of this package), undefined for anything else. May throw (a Proxy). */
export function readMedia(object: object): MediaText | undefined {
  const method = (object as { [MEDIA_TEXT]?: unknown })[MEDIA_TEXT];
  if (typeof method !== 'function') return undefined;
  const media = method.call(object) as Partial<MediaText> | undefined;
  if (typeof media?.text !== 'string') return undefined;
  return {
    text: media.text,
    media: media.media === true,
    contentType: typeof media.contentType === 'string' ? media.contentType : 'unknown type',
    bytes: typeof media.bytes === 'number' ? media.bytes : 0,
  };
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
