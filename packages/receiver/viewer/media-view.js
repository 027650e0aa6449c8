import { el } from './dom.js';

// Media references (`@@@langfuseMedia:type=image/png|id=...|source=...@@@`) in any string the page shows: images the
// receiver holds are shown inline from its own /api/receiver/media/ URL; anything else is a labelled chip.

const REFERENCE = /@@@langfuseMedia:([^@]{1,400})@@@/g;
const INLINE = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif', 'image/bmp', 'image/avif']);
let known = new Map();

/** The media records of the trace on screen, by id (from the trace view's `media`). */
export function setMedia(media) {
  // A Map: ids come from the events, and `constructor` or `__proto__` must not find Object's own.
  known = new Map(Object.entries(media ?? {}));
}

export function hasMedia(text) {
  return typeof text === 'string' && text.includes('@@@langfuseMedia:');
}

/**
 * The first `max` characters of the string, or a few hundred more so that a media reference across the cut stays
 * whole (a reference is at most 420 characters).
 */
export function cutKeepingMedia(text, max) {
  if (text.length <= max) return text;
  let end = max;
  const window = text.slice(Math.max(0, max - 420), max + 420);
  for (const match of window.matchAll(REFERENCE)) {
    const start = Math.max(0, max - 420) + match.index;
    if (start < max) end = Math.max(end, start + match[0].length);
  }
  return text.slice(0, end);
}

/** The string as text nodes, each media reference in it replaced by an image or a chip. */
export function textWithMedia(text) {
  if (!hasMedia(text)) return [text];
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(mediaNode(parseFields(match[1])));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

function parseFields(body) {
  const fields = Object.create(null);
  for (const pair of body.split('|')) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return fields;
}

function mediaNode({ type, id }) {
  const record = id ? known.get(id) : undefined;
  const contentType = record?.contentType ?? type ?? 'media';
  const label = `${contentType}${record ? ` ${formatBytes(record.contentLength)}` : ''}`;
  if (!record?.stored) return el('span', { class: 'media-chip missing', title: `media ${id ?? ''} is not stored in this receiver` }, `[${label}, not stored here]`);
  const url = `/api/receiver/media/${encodeURIComponent(id)}`;
  if (INLINE.has(contentType)) {
    return el('a', { class: 'media-image', href: url, target: '_blank', rel: 'noopener' }, el('img', { src: url, alt: label, title: label, loading: 'lazy' }));
  }
  return el('a', { class: 'media-chip', href: url, download: '' }, `[${label}]`);
}

export function formatBytes(n) {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
