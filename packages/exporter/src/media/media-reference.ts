/** Where the media came from, as Langfuse's reference string names it. */
export type MediaSource = 'base64_data_uri' | 'bytes';

/**
 * A data URI parameter the tracing facade's `LangfuseMedia` writes for media it was handed as bytes
 * (`data:image/png;otel-langfuse-source=bytes;base64,…`): the reference then says `source=bytes`, as Langfuse's SDKs do.
 */
export const BYTES_SOURCE_PARAMETER = 'otel-langfuse-source=bytes';

/** The string Langfuse stores in place of uploaded media, and renders inline. */
export function mediaReference(contentType: string, mediaId: string, source: MediaSource): string {
  return `@@@langfuseMedia:type=${contentType}|id=${mediaId}|source=${source}@@@`;
}

/**
 * What stands in place of media that was not uploaded, saying why. Plain text with no quote or backslash, so it can
 * replace a placeholder inside JSON text as it is.
 */
export function mediaMarker(contentType: string, bytes: number, why: string): string {
  return `[media not uploaded by otel-langfuse: ${contentType}, ${bytes} bytes; ${why}]`.replace(/["\\]/g, '');
}

const PLACEHOLDER_PREFIX = '@@@otelLangfuseMediaPending:';

/**
 * Stands in the value from extraction until the upload decides the final text (a reference or a marker). Made from
 * the content's hash, so the same value always gets the same placeholder (trace-create fingerprints stay stable).
 */
export function mediaPlaceholder(sha256Base64: string): string {
  return `${PLACEHOLDER_PREFIX}${sha256Base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}@@@`;
}

const PLACEHOLDER_PATTERN = /@@@otelLangfuseMediaPending:[A-Za-z0-9_-]{43}@@@/g;

/** `text` with each placeholder replaced by its final text; a placeholder without one is left as it is. */
export function resolvePlaceholders(text: string, finals: ReadonlyMap<string, string>): string {
  if (!text.includes(PLACEHOLDER_PREFIX)) return text;
  return text.replace(PLACEHOLDER_PATTERN, (placeholder) => finals.get(placeholder) ?? placeholder);
}

/** `value` with every string's placeholders resolved; objects and arrays are copied only where something changed. */
export function resolvePlaceholdersDeep(value: unknown, finals: ReadonlyMap<string, string>, depth = 0): unknown {
  if (typeof value === 'string') return resolvePlaceholders(value, finals);
  if (typeof value !== 'object' || value === null || depth > 100) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const resolved = resolvePlaceholdersDeep(item, finals, depth + 1);
      if (resolved !== item) (copy ??= value.slice())[i] = resolved;
    });
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolvePlaceholdersDeep(item, finals, depth + 1);
    if (resolved !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = resolved;
  }
  return copy ?? value;
}
