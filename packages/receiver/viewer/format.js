import { el } from './dom.js';

export function formatDuration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return 'open';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString(undefined, { hour12: false }) + `.${String(date.getMilliseconds()).padStart(3, '0')}`;
  return today ? time : `${date.toLocaleDateString()} ${time}`;
}

export function formatTokens(n) {
  return n ? n.toLocaleString('en-US') : '';
}

/** Cost only where events carried one. */
export function formatCost(cost) {
  if (cost === undefined || cost === null) return '';
  if (cost === 0) return '$0';
  return cost < 0.01 ? `$${cost.toPrecision(2)}` : `$${cost.toFixed(4)}`;
}

const DERIVED_TITLE = 'Derived from usage with the receiver\'s price table (the events carried no cost)';

/** A table cell for a cost; a derived one is marked (≈, italic) and says why in its title. */
export function costCell(cost, derived) {
  const text = formatCost(cost);
  return el('td', { class: derived && text ? 'num derived' : 'num', title: derived && text ? DERIVED_TITLE : undefined }, text);
}

/** A cost as text with its derived marker, for the trace page. */
export function costText(cost, derived) {
  const text = formatCost(cost);
  return derived && text ? el('span', { class: 'derived', title: DERIVED_TITLE }, text) : text;
}

export function timeMs(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
