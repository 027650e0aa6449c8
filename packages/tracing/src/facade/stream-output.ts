const MAX_ITEMS = 1_000;
const MAX_TEXT = 1_000_000;

/**
 * What a traced stream yielded, bounded: text chunks (an LLM token stream) joined into one string, anything
 * else as an array of the first items.
 */
export class StreamOutput {
  private readonly items: unknown[] = [];
  private textLength = 0;
  private allText = true;
  private dropped = 0;

  add(item: unknown): void {
    if (this.items.length >= MAX_ITEMS || this.textLength >= MAX_TEXT) {
      this.dropped++;
      return;
    }
    if (typeof item === 'string') this.textLength += item.length;
    else this.allText = false;
    this.items.push(item);
  }

  value(): unknown {
    if (this.items.length === 0 && this.dropped === 0) return undefined;
    const more = this.dropped > 0 ? `[${this.dropped} more items]` : undefined;
    if (this.allText) return (this.items as string[]).join('') + (more === undefined ? '' : `...${more}`);
    return more === undefined ? this.items : [...this.items, more];
  }
}
