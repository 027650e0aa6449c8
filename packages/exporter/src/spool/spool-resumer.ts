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
import { legacyToOtlp } from './legacy-to-otlp.js';
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
  /**
   * The exporter's circuit breaker. While it is open the resumer sends only as its probe (when the breaker admits
   * one, and says how it went), so with no new traffic the spool itself finds the server back, at the breaker's
   * pace; once it has closed again after a failed round (the server answers), that round's back-off is cut short.
   */
  circuit?: ResumeCircuit;
  /** Told when the server refuses traces on the legacy path (`reason`), so the exporter's own `auto` route can follow. */
  onLegacyRefused?: (reason: string) => void;
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

/** Refusals on the legacy path that mean the server takes traces only over OTLP (as the exporter's `auto` route reads them). */
const LEGACY_REFUSED = new Set(['event-type-not-accepted', 'http-404', 'http-405']);

/** What the resumer uses of the exporter's circuit breaker (see delivery/http/circuit-breaker.ts). */
export interface ResumeCircuit {
  readonly state: 'closed' | 'open' | 'half-open';
  /** How many times it has opened so far. */
  readonly opened: number;
  admit(): 'send' | 'probe' | 'reject';
  record(verdict: 'success' | 'failure' | 'neutral', probe: boolean, reason?: string): void;
}

interface CircuitView {
  state: ResumeCircuit['state'];
  opened: number;
}

/** A circuit that is always closed (no breaker given). */
const ALWAYS_CLOSED: ResumeCircuit = { state: 'closed', opened: 0, admit: () => 'send', record: () => undefined };

/** What became of one segment; `paused`: the breaker admitted no request now (left for later, no back-off). */
type SegmentResult = 'done' | 'locked' | 'failed' | 'paused';

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
  /** No request before this: the server's Retry-After on the last refusal (holds even while probing). */
  private notBefore = 0;
  /** The circuit when the last round failed: its back-off ends early once the circuit has closed since. */
  private circuitAtFailure: CircuitView | undefined;
  private wake: (() => void) | undefined;
  /** Records of a segment already accepted in this process (of its records as converted or not): a retry skips them. */
  private readonly progress = new Map<string, { done: number; converted: boolean }>();
  /** The server refused traces on the legacy path (v4, Cloud): spooled legacy events go over OTLP from now on. */
  private legacyRefused = false;
  private readonly opts: Required<ResumerOptions>;

  constructor(options: ResumerOptions) {
    this.opts = { onAccepted: () => undefined, onLegacyRefused: () => undefined, circuit: ALWAYS_CLOSED, tickMs: 1_000, chunkRecords: 200, dutyCycle: 0.25, maxBackoffMs: 30_000, sealIdleMs: 1_000, ...options };
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
    if (!this.opts.canSend() || Date.now() < this.notBefore) return;
    // With the circuit open the breaker paces the attempts (the resumer sends as its probe); else the own back-off.
    const probing = this.opts.circuit.state !== 'closed';
    if (!probing && Date.now() < this.nextAttemptAt && !this.circuitClosedSinceFailure()) return;
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
        this.circuitAtFailure = this.view();
        return;
      }
      if (result === 'paused') return;
      if (result === 'done') this.backoffMs = 0;
    }
  }

  /** Whether the exporter's circuit closed after the last failed round: the server answers again. */
  private circuitClosedSinceFailure(): boolean {
    const then = this.circuitAtFailure;
    const now = this.view();
    return then !== undefined && now.state === 'closed' && (then.state !== 'closed' || now.opened > then.opened);
  }

  private view(): CircuitView {
    return { state: this.opts.circuit.state, opened: this.opts.circuit.opened };
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
    let records = this.readRecords(segment.path, text);
    const saved = this.progress.get(segment.path);
    let done = saved && saved.converted === this.legacyRefused ? saved.done : 0;
    while (done < records.length) {
      if (this.stopped) return 'failed';
      const first = records[done]!;
      const chunk: DeadLetterRecord[] = [];
      for (let i = done; i < records.length && chunk.length < chunkRecords && records[i]!.path === first.path; i++) chunk.push(records[i]!);
      const tally = emptyTally();
      const started = Date.now();
      const admission = this.opts.circuit.admit();
      if (admission === 'reject') return 'paused';
      let verdict: 'success' | 'failure' | 'neutral' = 'neutral';
      try {
        if (first.path === 'ingestion') await sender.sendEvents(chunk.map((record) => (record as { event: DeliverableEvent }).event), tally);
        else await sender.sendOtlp(chunk as DeadLetterOtlpRecord[], tally);
        if (!this.stopped) verdict = Object.keys(tally.failed).length > 0 ? 'failure' : 'success';
      } finally {
        // A probe's verdict is always told, or the breaker would wait for it forever.
        if (admission === 'probe') this.opts.circuit.record(verdict, true, Object.keys(tally.failed)[0] ?? 'failure');
      }
      if (tally.retryAfterMs !== undefined) this.notBefore = Date.now() + tally.retryAfterMs;
      if (verdict !== 'success') return 'failed';
      const rejected = Object.entries(tally.rejected);
      if (first.path === 'ingestion' && !this.legacyRefused && rejected.some(([reason]) => LEGACY_REFUSED.has(reason))) {
        // The server takes traces only over OTLP now (e.g. upgraded to v4 during the outage): the rest of this
        // segment, this chunk included, goes there instead (what was accepted here is sent again: ids are stable).
        this.legacyRefused = true;
        this.opts.onLegacyRefused(rejected.find(([reason]) => LEGACY_REFUSED.has(reason))![0]);
        log.once('info', 'spool-legacy-refused', `the server refuses traces on the legacy ingestion endpoint (${rejected.map(([reason]) => reason).join(', ')}): spooled legacy events are sent to the OTLP endpoint instead`);
        records = [...records.slice(0, done), ...this.converted(records.slice(done))];
        this.progress.set(segment.path, { done, converted: true });
        continue;
      }
      if (rejected.length > 0) {
        log.once('warn', 'spool-rejected', `the server refused some spooled records for good (${rejected.map(([reason, n]) => `${n} ${reason}`).join(', ')}); they are deleted with their segment`);
      }
      counters.resumed += tally.accepted;
      if (tally.accepted > 0) this.opts.onAccepted();
      done += chunk.length;
      this.progress.set(segment.path, { done, converted: this.legacyRefused });
      await this.pause((Date.now() - started) * (1 / this.opts.dutyCycle - 1));
    }
    return 'done';
  }

  /** Legacy records as OTLP spans (see legacy-to-otlp.ts); trace fields with no span of their trace here are said once. */
  private converted(records: readonly DeadLetterRecord[]): DeadLetterRecord[] {
    const result = legacyToOtlp(records);
    if (result.orphans > 0) {
      this.opts.log.once('warn', 'spool-orphan-traces', `${result.orphans} spooled trace record(s) had no span of their trace in the same segment; their trace-level fields (name, user, session, tags) are not resent over OTLP`);
    }
    return result.records;
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
    if (!this.progress.has(path)) this.progress.set(path, { done: 0, converted: this.legacyRefused });
    return this.legacyRefused ? this.converted(parsed) : parsed;
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
