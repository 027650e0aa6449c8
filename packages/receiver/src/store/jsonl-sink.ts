import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** Appends events to a file, one JSON document per line. */
export class JsonlSink {
  private error: Error | undefined;

  private constructor(private readonly stream: WriteStream) {
    stream.on('error', (error) => {
      this.error ??= error;
    });
  }

  /** Opens (creating or appending to) the file; rejects if it cannot be opened. */
  static async open(path: string): Promise<JsonlSink> {
    const stream = createWriteStream(path, { flags: 'a' });
    await once(stream, 'open');
    return new JsonlSink(stream);
  }

  write(event: unknown): void {
    if (this.error || this.stream.destroyed) return;
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  /** Flushes and closes the file; rejects with the first write error, if any. */
  async close(): Promise<void> {
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close').catch(() => undefined);
      this.stream.end();
      await closed;
    }
    if (this.error) throw this.error;
  }
}
