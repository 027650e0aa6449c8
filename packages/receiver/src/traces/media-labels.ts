/** The size of stored media by its id, when the receiver holds a record of it. */
export type MediaSizeLookup = (mediaId: string) => number | undefined;

/** Media of one field (input, output or metadata) as the waterfall shows it, e.g. `input [image/png 34 KB]`. */
export interface FieldMedia {
  field: 'input' | 'output' | 'metadata';
  labels: string[];
}

/** `@@@langfuseMedia:type=image/png|id=<mediaId>|source=bytes@@@`, the string Langfuse stores in place of media. */
const REFERENCE = /@@@langfuseMedia:([^@]{1,400})@@@/g;
/** `[media not uploaded by otel-langfuse: image/png, 34816 bytes; why]`, the exporter's marker for media it gave up. */
const NOT_UPLOADED = /\[media not uploaded by otel-langfuse: ([^,\]]{1,200}), (\d{1,15}) bytes;[^\]]{0,400}\]/g;
const MARKS = ['@@@langfuseMedia:', '[media not uploaded by otel-langfuse: '];

const MAX_LABELS = 8;
const MAX_DEPTH = 32;
const MAX_NODES = 10_000;

/** The media of a trace's or observation's input, output and metadata, fields without media left out. */
export function fieldMedia(values: { input?: unknown; output?: unknown; metadata?: unknown }, sizeOf: MediaSizeLookup | undefined): FieldMedia[] {
  const fields: FieldMedia[] = [];
  for (const field of ['input', 'output', 'metadata'] as const) {
    const labels = mediaLabels(values[field], sizeOf);
    if (labels.length > 0) fields.push({ field, labels });
  }
  return fields;
}

/**
 * A label for each media reference in a value (strings anywhere in it, JSON text included), in order:
 * `[image/png 34 KB]` with the size from the receiver's media store, `[image/png]` when it holds no record of it;
 * media the exporter gave up on is `[image/png 34 KB, not uploaded]`. At most 8, then `+N more`.
 */
export function mediaLabels(value: unknown, sizeOf: MediaSizeLookup | undefined): string[] {
  const labels: string[] = [];
  let nodes = 0;
  const visit = (item: unknown, depth: number): void => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return;
    if (typeof item === 'string') {
      if (MARKS.some((mark) => item.includes(mark))) labels.push(...labelsInText(item, sizeOf));
      return;
    }
    if (typeof item !== 'object' || item === null) return;
    for (const child of Array.isArray(item) ? item : Object.values(item)) visit(child, depth + 1);
  };
  visit(value, 0);
  if (labels.length <= MAX_LABELS) return labels;
  return [...labels.slice(0, MAX_LABELS), `+${labels.length - MAX_LABELS} more`];
}

function labelsInText(text: string, sizeOf: MediaSizeLookup | undefined): string[] {
  const found: { at: number; label: string }[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const fields = new Map<string, string>();
    for (const part of (match[1] ?? '').split('|')) {
      const equals = part.indexOf('=');
      if (equals > 0) fields.set(part.slice(0, equals), part.slice(equals + 1));
    }
    const type = fields.get('type') || 'media';
    const id = fields.get('id');
    const size = id === undefined ? undefined : sizeOf?.(id);
    found.push({ at: match.index, label: `[${type}${size === undefined ? '' : ` ${formatBytes(size)}`}]` });
  }
  for (const match of text.matchAll(NOT_UPLOADED)) {
    found.push({ at: match.index, label: `[${match[1]} ${formatBytes(Number(match[2]))}, not uploaded]` });
  }
  return found.sort((a, b) => a.at - b.at).map((item) => item.label);
}

/** `512 B`, `34 KB`, `1.5 MB` (1024-based, as file sizes are usually shown). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? B';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const megabytes = bytes / (1024 * 1024);
  return `${megabytes < 10 ? megabytes.toFixed(1).replace(/\.0$/, '') : Math.round(megabytes)} MB`;
}

/** A lookup over the receiver's media records, read once, on the first media reference found (one print of one trace). */
export function mediaSizesOf(records: () => readonly { mediaId: string; contentLength: number }[]): MediaSizeLookup {
  let sizes: Map<string, number> | undefined;
  return (mediaId) => (sizes ??= new Map(records().map((record) => [record.mediaId, record.contentLength]))).get(mediaId);
}
