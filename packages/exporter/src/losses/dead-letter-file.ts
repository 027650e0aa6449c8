import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';

/** Why a record did not reach the file. */
export type DeadLetterSkipReason = 'file-full' | 'buffer-full' | 'write-error' | 'closed';

/** Lines waiting to be written are capped too, so a burst of drops cannot pile up in memory behind a slow disk. */
export const DEAD_LETTER_MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * An append-only JSONL file, written asynchronously (never blocking an export), bounded by `maxBytes` on disk
 * (an existing file's size counts) and by `maxPendingBytes` of lines waiting to be written. Created with mode 0600:
 * it holds the application's data. Never throws; a write error disables the file with one diagnostic.
 */
export class DeadLetterFile {
  private pending: string[] = [];
  /** Bytes accepted and not yet on disk: waiting or being written. */
  private bufferedBytes = 0;
  private fileBytes: number | undefined;
  private writing: Promise<void> | undefined;
  private failed = false;
  private closed = false;
  private writtenCount = 0;
  private readonly skips = new Map<DeadLetterSkipReason, number>();

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly log: ComponentLogger,
    private readonly maxPendingBytes = DEAD_LETTER_MAX_PENDING_BYTES,
  ) {}

  /** Records written to the file. */
  get written(): number {
    return this.writtenCount;
  }

  /** Records not written, by reason. */
  get skipped(): Record<string, number> {
    return Object.fromEntries(this.skips);
  }

  /** False when no line would be taken now: callers skip the work of building lines. */
  get accepting(): boolean {
    return !this.closed && !this.failed && this.bufferedBytes < this.maxPendingBytes && (this.fileBytes ?? 0) + this.bufferedBytes < this.maxBytes;
  }

  /** Queues lines (each ending in a newline) for writing; what does not fit is counted, not kept. */
  add(lines: readonly string[]): void {
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      const reason = this.refusal(bytes);
      if (reason) {
        this.skip(reason, 1);
        continue;
      }
      this.pending.push(line);
      this.bufferedBytes += bytes;
    }
    if (this.pending.length > 0) this.startWriting();
  }

  /** Counts `count` records as not written for the reason a line would be refused now (see `accepting`). */
  refuse(count: number): void {
    this.skip(this.refusal(0) ?? (this.bufferedBytes >= this.maxPendingBytes ? 'buffer-full' : 'file-full'), count);
  }

  /** Counts records that could not even be turned into lines. */
  skip(reason: DeadLetterSkipReason, count: number): void {
    if (count <= 0) return;
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + count);
    if (reason === 'file-full') {
      this.log.once('warn', 'dead-letter-full', `the dead-letter file ${this.path} reached deadLetterMaxBytes (${this.maxBytes} bytes); further records are not written (stats().deadLetterSkipped)`);
    } else if (reason === 'buffer-full') {
      this.log.once('warn', 'dead-letter-buffer-full', `records for the dead-letter file ${this.path} arrive faster than they can be written; some are not written (stats().deadLetterSkipped)`);
    }
  }

  /** Resolves when every line accepted so far is on disk (or has failed). Never rejects. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes what is queued, then refuses further lines. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private refusal(bytes: number): DeadLetterSkipReason | undefined {
    if (this.closed) return 'closed';
    if (this.failed) return 'write-error';
    if ((this.fileBytes ?? 0) + this.bufferedBytes + bytes > this.maxBytes || (this.fileBytes ?? 0) >= this.maxBytes) return 'file-full';
    if (this.bufferedBytes + bytes > this.maxPendingBytes || this.bufferedBytes >= this.maxPendingBytes) return 'buffer-full';
    return undefined;
  }

  private startWriting(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      if (this.pending.length > 0) this.startWriting();
    });
  }

  private async drain(): Promise<void> {
    let unwritten = 0;
    try {
      if (this.fileBytes === undefined) {
        await mkdir(dirname(this.path), { recursive: true });
        this.fileBytes = await stat(this.path).then(
          (s) => s.size,
          () => 0,
        );
      }
      while (this.pending.length > 0) {
        const lines = this.pending;
        this.pending = [];
        let chunk = '';
        let chunkBytes = 0;
        let takenBytes = 0;
        unwritten = 0;
        for (const line of lines) {
          const bytes = Buffer.byteLength(line);
          takenBytes += bytes;
          // The file's size was unknown when the first lines were taken: the cap is checked again here.
          if (this.fileBytes + chunkBytes + bytes > this.maxBytes) {
            this.skip('file-full', 1);
          } else {
            chunk += line;
            chunkBytes += bytes;
            unwritten++;
          }
        }
        try {
          if (chunk) await appendFile(this.path, chunk, { mode: 0o600 });
        } finally {
          this.bufferedBytes -= takenBytes;
        }
        this.fileBytes += chunkBytes;
        this.writtenCount += unwritten;
        unwritten = 0;
      }
    } catch (error) {
      this.failed = true;
      this.skip('write-error', unwritten + this.pending.length);
      this.pending = [];
      this.bufferedBytes = 0;
      this.log.once('error', 'dead-letter-write-failed', `could not write the dead-letter file ${this.path} (${describeError(error)}); dead-lettering to the file is off from now on`);
    }
  }
}
