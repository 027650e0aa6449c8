/** What the viewer shows for one media reference: the stored record's type and size, and whether its bytes are here. */
export interface MediaSummary {
  contentType: string;
  contentLength: number;
  /** The bytes were uploaded to this receiver and can be read from `/api/receiver/media/:id`. */
  stored: boolean;
}

// `@@@langfuseMedia:type=image/png|id=<mediaId>|source=base64_data_uri@@@`, the reference Langfuse stores in a value.
const REFERENCE = /@@@langfuseMedia:([^@]{1,400})@@@/g;
const MAX_REFERENCES = 200;

/** The media ids referenced anywhere in a value (input, output, metadata, ...), each once, at most 200. */
export function mediaIdsIn(value: unknown): string[] {
  const ids = new Set<string>();
  const text = JSON.stringify(value) ?? '';
  for (const match of text.matchAll(REFERENCE)) {
    for (const field of (match[1] ?? '').split('|')) {
      if (field.startsWith('id=') && field.length > 3) ids.add(field.slice(3));
    }
    if (ids.size >= MAX_REFERENCES) break;
  }
  return [...ids];
}
