// Terminal column arithmetic for the trace view: names come from clients, so they may hold control characters
// (an ESC would let a client drive the terminal), wide characters or combining marks.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const COMBINING = /^[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\u200b-\u200f\u2028-\u202e\u2060-\u2064]$/;

/** One line of display text: control characters (newlines, tabs, ESC) become spaces. */
export function sanitizeText(text: string): string {
  return text.replace(CONTROL, ' ');
}

/** Columns a code point takes: 0 for combining marks and zero-width characters, 2 for wide ones, else 1. */
function codePointWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (COMBINING.test(char)) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Terminal columns the (sanitized, ANSI-free) text takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char);
  return width;
}

export const ELLIPSIS = '…';

/** The text cut to at most `width` columns, ending in an ellipsis when it was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = codePointWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return out + ELLIPSIS;
}

/** The text padded with spaces on the right (or left) to `width` columns; never cut. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}
