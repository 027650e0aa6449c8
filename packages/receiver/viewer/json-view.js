import { el } from './dom.js';
import { cutKeepingMedia, hasMedia, textWithMedia } from './media-view.js';

const OPEN_DEPTH = 2;
const MAX_STRING = 10_000;

/** A collapsible JSON tree: objects and arrays are <details> (open to depth 2), leaves are text. */
export function jsonView(value) {
  return el('div', { class: 'json' }, node(value, 0));
}

function node(value, depth) {
  if (value === null || typeof value !== 'object') return leaf(value);
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  if (entries.length === 0) return el('span', { class: 'json-punct' }, Array.isArray(value) ? '[]' : '{}');
  const count = entries.length;
  const summary = Array.isArray(value) ? `[ ${count} item${count === 1 ? '' : 's'} ]` : `{ ${count} key${count === 1 ? '' : 's'} }`;
  return el(
    'details',
    { open: depth < OPEN_DEPTH },
    el('summary', { class: 'json-punct' }, summary),
    el(
      'div',
      { class: 'json-children' },
      entries.map(([key, item]) => el('div', { class: 'json-entry' }, el('span', { class: 'json-key' }, `${key}: `), node(item, depth + 1))),
    ),
  );
}

function leaf(value) {
  if (typeof value === 'string') {
    // Cut long strings, media references in them or not, without breaking a reference in two.
    const text = cutKeepingMedia(value, MAX_STRING);
    const rest = text.length < value.length ? `… (${value.length} characters)` : null;
    return el('span', { class: 'json-string' }, hasMedia(text) ? textWithMedia(text) : text, rest);
  }
  return el('span', { class: `json-${value === null ? 'null' : typeof value}` }, String(value));
}
