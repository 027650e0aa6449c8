import { readFile, unlink } from 'node:fs/promises';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';
import { parseDeadLetterLine, type DeadLetterOtlpRecord, type DeadLetterRecord } from '../losses/dead-letter-record.js';
import { emptyTally, type ReplayTally } from '../replay/replay-sender.js';
import type { DeliverableEvent } from '../wire/ingestion-event.js';
import { acquireSegmentLock, releaseSegmentLock } from './segment-lock.js';
import { listSegments, type SegmentFile } from './segment-names.js';
import type { SegmentWriter } from './segment-writer.js';
import type { SpoolCounters } from './spool-counters.js';
import { splitSegment } from './spool-record.js';

/** Sends records again (the replay command's sender). */
export interface SpoolSender {
  sendEvents(events: readonly DeliverableEvent[], tally: ReplayTally): Promise<void>;
  sendOtlp(records: readonly DeadLetterOtlpRecord[], tally: ReplayTally): Promise<void>;
  shutdown(): void;
}

export interface ResumerOptions {
  dir: string;
  writer: SegmentWriter | undefined;
  counters: SpoolCounters;
  log: ComponentLogger;
  sender: SpoolSender;
  /** Whether sending is allowed now (the circuit is not open and cooling down): resuming waits otherwise. */
  canSend(): boolean;
  /** Told when the server accepted a resent group: it answers again (the exporter closes its circuit). */
  onAccepted?: () => void;
  /** How often the directory is looked at. */
  tickMs?: number;
  /** Records per request group. */
  chunkRecords?: number;
  /** Share of the time spent sending: after each group the resumer pauses for the rest. */
  dutyCycle?: number;
  /** Longest pause after a failed attempt (doubling from 1 s). */
  maxBackoffMs?: number;
  /** The open segment is sealed for draining once nothing was added to it for this long. */
  sealIdleMs?: number;
}

/** What became of one segment. */
type SegmentResult = 'done' | 'locked' | 'failed';

/**
 * Sends spooled segments again in the background, oldest first, one group at a time, pausing so it takes only a
 * fraction of the time (new traffic keeps flowing), and only while the circuit lets requests through (its success closes the circuit); after a failure (retries
 * spent, 429 with Retry-After past them) it backs off. A segment is deleted only once all its records were answered
 * for good; each is locked while sent, so two processes never send the same one. Never throws.
 */
export class SpoolResumer {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private backoffMs = 0;
  private nextAttemptAt = 0;
  private wake: (() => void) | undefined;
  /** Records of a segment already accepted in this process: a retry of the segment skips them. */
  private readonly progress = new Map<string, number>();
  private readonly opts: Required<ResumerOptions>;

  constructor(options: ResumerOptions) {
    this.opts = { onAccepted: () => undefined, tickMs: 1_000, chunkRecords: 200, dutyCycle: 0.25, maxBackoffMs: 30_000, sealIdleMs: 1_000, ...options };
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
    this.timer.unref();
    this.tick();
  }

  /** Starts a round now unless one is running. */
  tick(): void {
    if (this.stopped || this.round) return;
    this.round = this.runRound()
      .catch((error: unknown) => {
        this.opts.log.once('warn', 'spool-resume-failed', `resuming the spool failed: ${describeError(error)}`);
      })
      .finally(() => {
        this.round = undefined;
      });
  }

  /** Resolves when the round running now (if any) is over. */
  async idle(): Promise<void> {
    await this.round;
  }

  /** Stops: the request in flight is aborted and its segment left for later (or another process). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.wake?.();
    this.opts.sender.shutdown();
    await this.round;
  }

  private async runRound(): Promise<void> {
    const { dir, writer, counters } = this.opts;
    const segments = await listSegments(dir);
    counters.bytes = segments.reduce((sum, segment) => sum + segment.bytes, 0);
    if (Date.now() < this.nextAttemptAt || !this.opts.canSend()) return;
    const open = writer?.openSegment;
    const ready = segments.filter((segment) => segment.path !== open);
    if (ready.length === 0) {
      if (open !== undefined && writer && writer.idleMs() >= this.opts.sealIdleMs) await writer.seal();
      return;
    }
    for (const segment of ready) {
      if (this.stopped || !this.opts.canSend()) return;
      const result = await this.drainSegment(segment);
      if (result === 'failed') {
        this.backoffMs = Math.min(this.opts.maxBackoffMs, this.backoffMs === 0 ? 1_000 : this.backoffMs * 2);
        this.nextAttemptAt = Date.now() + this.backoffMs;
        return;
      }
      if (result === 'done') this.backoffMs = 0;
    }
  }

  private async drainSegment(segment: SegmentFile): Promise<SegmentResult> {
    if (!(await acquireSegmentLock(segment.path))) return 'locked';
    let result: SegmentResult = 'failed';
    try {
      result = await this.send(segment);
      if (result === 'done') {
        await unlink(segment.path).catch(() => undefined);
        this.progress.delete(segment.path);
        this.opts.counters.bytes = Math.max(0, this.opts.counters.bytes - segment.bytes);
      }
    } finally {
      await releaseSegmentLock(segment.path);
    }
    return result;
  }

  private async send(segment: SegmentFile): Promise<SegmentResult> {
    const { counters, log, sender, chunkRecords } = this.opts;
    const text = await readFile(segment.path, 'utf8').catch(() => undefined);
    if (text === undefined) return 'locked';
    const records = this.readRecords(segment.path, text);
    let done = this.progress.get(segment.path) ?? 0;
    while (done < records.length) {
      if (this.stopped) return 'failed';
      const first = records[done]!;
      const chunk: DeadLetterRecord[] = [];
      for (let i = done; i < records.length && chunk.length < chunkRecords && records[i]!.path === first.path; i++) chunk.push(records[i]!);
      const tally = emptyTally();
      const started = Date.now();
      if (first.path === 'ingestion') await sender.sendEvents(chunk.map((record) => (record as { event: DeliverableEvent }).event), tally);
      else await sender.sendOtlp(chunk as DeadLetterOtlpRecord[], tally);
      if (this.stopped || Object.keys(tally.failed).length > 0) return 'failed';
      const rejected = Object.entries(tally.rejected);
      if (rejected.length > 0) {
        log.once('warn', 'spool-rejected', `the server refused some spooled records for good (${rejected.map(([reason, n]) => `${n} ${reason}`).join(', ')}); they are deleted with their segment`);
      }
      counters.resumed += tally.accepted;
      if (tally.accepted > 0) this.opts.onAccepted();
      done += chunk.length;
      this.progress.set(segment.path, done);
      await this.pause((Date.now() - started) * (1 / this.opts.dutyCycle - 1));
    }
    return 'done';
  }

  /** The valid records of a segment; corrupt ones are counted (once per segment read) and said once. */
  private readRecords(path: string, text: string): DeadLetterRecord[] {
    const { records, corrupt } = splitSegment(text);
    const parsed: DeadLetterRecord[] = [];
    let bad = corrupt;
    for (const json of records) {
      const record = parseDeadLetterLine(json);
      if ('invalid' in record) bad++;
      else parsed.push(record);
    }
    if (bad > 0 && !this.progress.has(path)) {
      this.opts.counters.corrupt += bad;
      this.opts.log.once('warn', 'spool-corrupt', `a spool segment holds records that are torn or fail their checksum (${bad} in ${path}, e.g. after a crash mid-write); they are skipped (stats().corrupt), the rest is sent`);
    }
    if (!this.progress.has(path)) this.progress.set(path, 0);
    return parsed;
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.min(ms, 5_000));
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
