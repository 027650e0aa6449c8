import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';
import { acquireSegmentLock, releaseSegmentLock } from './segment-lock.js';
import { newSegmentName } from './segment-names.js';
import type { SpoolCounters } from './spool-counters.js';
import { frameRecord } from './spool-record.js';

export interface SegmentWriterLimits {
  /** The whole directory's cap (`spoolMaxBytes`). */
  maxBytes: number;
  /** A segment is closed and a new one begun past this size. */
  segmentBytes: number;
  /** Records accepted and not yet on disk are capped too: a slow disk cannot grow the heap. */
  maxPendingBytes: number;
}

/** Framing per record: checksum, space, newline. */
const FRAME_BYTES = 10;

interface OpenSegment {
  path: string;
  bytes: number;
  lastWrite: number;
}

/**
 * Appends records to this process's open segment, off the caller's path: `tryAdd` only queues (bounded); one chain
 * of disk operations writes, rolls to a new segment past `segmentBytes`, and seals. The open segment is locked by
 * this process until sealed, so no drainer (here or in another process) reads a segment still being written.
 */
export class SegmentWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private draining = false;
  private current: OpenSegment | undefined;
  private failed = false;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly limits: SegmentWriterLimits,
    private readonly counters: SpoolCounters,
    private readonly log: ComponentLogger,
  ) {}

  /** The segment being written now (not to be drained yet). */
  get openSegment(): string | undefined {
    return this.current?.path;
  }

  /** Milliseconds since the open segment was last written to. */
  idleMs(now = Date.now()): number {
    return this.current ? now - this.current.lastWrite : 0;
  }

  /**
   * Queues records (dead-letter JSON lines, no newline) for the spool: all of them, or none when they would pass
   * `spoolMaxBytes` or the memory buffer (drop newest: counted in `evicted`; the caller dead-letters them).
   */
  tryAdd(records: readonly string[]): boolean {
    if (this.closed || this.failed || records.length === 0) return false;
    let bytes = 0;
    for (const record of records) bytes += Buffer.byteLength(record) + FRAME_BYTES;
    const { maxBytes, maxPendingBytes } = this.limits;
    if (this.counters.bytes + this.pendingBytes + bytes > maxBytes || this.pendingBytes + bytes > maxPendingBytes) {
      this.counters.evicted += records.length;
      this.log.once('warn', 'spool-full', `the spool is full (spoolMaxBytes ${maxBytes} bytes, or records arrive faster than the disk takes them); newer records are not spooled (stats().evicted)`);
      return false;
    }
    this.pending.push(...records);
    this.pendingBytes += bytes;
    if (!this.draining) {
      this.draining = true;
      this.enqueue(() => this.drain());
    }
    return true;
  }

  /** Closes the open segment so it can be drained; the next record begins a new one. */
  seal(): Promise<void> {
    return this.enqueue(async () => {
      const segment = this.current;
      this.current = undefined;
      if (segment) await releaseSegmentLock(segment.path);
    });
  }

  /** Resolves when every record queued so far is on disk (or failed). Never rejects. */
  flush(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  /** Writes what is queued, seals the open segment and takes no more. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.seal();
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.chain.then(operation).catch((error: unknown) => this.fail(error));
    this.chain = next;
    return next;
  }

  private async drain(): Promise<void> {
    this.draining = false;
    while (this.pending.length > 0 && !this.failed) {
      const records = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      let chunk: string[] = [];
      // Counted as records are added: measuring the growing chunk each time would cost its length per record.
      let chunkBytes = 0;
      let done = 0;
      try {
        let segment = await this.segmentFor();
        for (const record of records) {
          const framed = frameRecord(record);
          const bytes = Buffer.byteLength(framed);
          // A segment ends near segmentBytes, so a drainer reads and sends bounded pieces.
          if (chunk.length > 0 && segment.bytes + chunkBytes + bytes > this.limits.segmentBytes) {
            await this.append(segment, chunk, chunkBytes);
            done += chunk.length;
            chunk = [];
            chunkBytes = 0;
            segment = await this.segmentFor();
          }
          chunk.push(framed);
          chunkBytes += bytes;
        }
        await this.append(segment, chunk, chunkBytes);
      } catch (error) {
        // What was not written is counted as not spooled.
        this.counters.evicted += records.length - done;
        throw error;
      }
    }
  }

  private async append(segment: OpenSegment, chunk: readonly string[], bytes: number): Promise<void> {
    if (chunk.length === 0) return;
    await appendFile(segment.path, chunk.join(''), { mode: 0o600 });
    segment.bytes += bytes;
    segment.lastWrite = Date.now();
    this.counters.bytes += bytes;
    this.counters.spooled += chunk.length;
  }

  /** The open segment, or a new (locked) one when there is none or it is full. */
  private async segmentFor(): Promise<OpenSegment> {
    if (this.current && this.current.bytes < this.limits.segmentBytes) return this.current;
    if (this.current) await releaseSegmentLock(this.current.path);
    const path = join(this.dir, newSegmentName());
    if (!(await acquireSegmentLock(path))) throw new Error(`could not lock the new segment ${path}`);
    this.current = { path, bytes: 0, lastWrite: Date.now() };
    return this.current;
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.counters.evicted += this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.log.once('error', 'spool-write-failed', `could not write the spool in ${this.dir} (${describeError(error)}); spooling is off from now on`);
  }
}
