import { needsJsonEscape } from './json-string.js';

/** Shorter strings are looked at again rather than compared with the remembered ones. */
const MIN_LENGTH = 256;
const SLOTS = 4;

/**
 * Escapes strings for JSON, remembering the last few long ones: a trace-create repeats its root's output, which is
 * often the generation's output too. Meant to live while one batch is serialized, so it holds no string longer.
 */
export class StringEscapeMemo {
  private readonly texts: string[] = [];
  private readonly escaped: (string | undefined)[] = [];
  private next = 0;

  /** `JSON.stringify(text)` when it escapes something; undefined when it is `text` between two quotes. */
  escape(text: string): string | undefined {
    if (text.length < MIN_LENGTH) return escapeOnce(text);
    for (let i = 0; i < this.texts.length; i++) if (this.texts[i] === text) return this.escaped[i];
    const escaped = escapeOnce(text);
    this.texts[this.next] = text;
    this.escaped[this.next] = escaped;
    this.next = (this.next + 1) % SLOTS;
    return escaped;
  }
}

export function escapeOnce(text: string): string | undefined {
  return needsJsonEscape(text) ? JSON.stringify(text) : undefined;
}
