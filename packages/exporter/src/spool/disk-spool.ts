import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import { describeError } from '../diagnostics/describe-error.js';
import { SegmentWriter } from './segment-writer.js';
import { emptySpoolCounters, type SpoolCounters } from './spool-counters.js';
import { SpoolResumer, type ResumeCircuit, type SpoolSender } from './spool-resumer.js';

export interface DiskSpoolOptions {
  dir: string;
  maxBytes: number;
  /**
   * Records taken and not yet on disk are capped at this (and at `maxBytes`); default 8 MiB. The exporter passes its
   * `maxBufferedBytes`: a shutdown deadline or an open circuit can give up on all it holds for delivery at once, and
   * the records replace that memory rather than add to it.
   */
  maxPendingBytes?: number;
  log: ComponentLogger;
  sender: SpoolSender;
  /** Whether sending is allowed now (the circuit breaker is not open and cooling down). */
  canSend(): boolean;
  /** Told when the server accepted resent records. */
  onAccepted(): void;
  /** The exporter's circuit breaker: while it is open, resends go out only as its probes. */
  circuit?: ResumeCircuit;
  /** Told when the server refuses traces on the legacy path: the exporter's `auto` route switches to OTLP. */
  onLegacyRefused?: (reason: string) => void;
}

/** What `stats()` shows of the spool. */
export interface SpoolStats {
  spooled: number;
  resumed: number;
  spoolBytes: number;
  evicted: number;
  corrupt: number;
}

const MIB = 1024 * 1024;

/**
 * The on-disk spool: what the exporter gives up on for a transient cause is appended to segment files in `dir`
 * (bounded by `maxBytes`), and sent again in the background once the server answers, by this process or by the next
 * one started on the same directory.
 */
export class DiskSpool {
  readonly counters: SpoolCounters = emptySpoolCounters();
  private readonly writer: SegmentWriter;
  private readonly resumer: SpoolResumer;

  private constructor(readonly dir: string, options: DiskSpoolOptions) {
    this.writer = new SegmentWriter(
      dir,
      {
        maxBytes: options.maxBytes,
        segmentBytes: Math.min(4 * MIB, Math.max(64 * 1024, Math.floor(options.maxBytes / 16))),
        maxPendingBytes: Math.min(Math.max(8 * MIB, options.maxPendingBytes ?? 0), options.maxBytes),
      },
      this.counters,
      options.log,
    );
    this.resumer = new SpoolResumer({ dir, writer: this.writer, counters: this.counters, log: options.log, sender: options.sender, canSend: options.canSend, onAccepted: options.onAccepted, ...(options.circuit && { circuit: options.circuit }), ...(options.onLegacyRefused && { onLegacyRefused: options.onLegacyRefused }) });
  }

  /**
   * The spool on `options.dir`, resuming what is there, or undefined (one warning) when the directory cannot be
   * created or written: the exporter then works as without a spool.
   */
  static open(options: DiskSpoolOptions): DiskSpool | undefined {
    const probe = join(options.dir, `.probe-${process.pid}`);
    try {
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      writeFileSync(probe, '', { flag: 'w', mode: 0o600 });
      unlinkSync(probe);
    } catch (error) {
      options.log.once('warn', 'spool-unusable', `spoolDir ${options.dir} is not usable (${describeError(error)}); the spool is off`);
      return undefined;
    }
    const spool = new DiskSpool(options.dir, options);
    spool.resumer.start();
    return spool;
  }

  /** Takes records (dead-letter JSON, scrubbed) all or none; false when full (counted) or off. */
  tryAdd(records: readonly string[]): boolean {
    return this.writer.tryAdd(records);
  }

  /** Looks at the directory and sends what is ready now, if the server answers (tests and `forceFlush` hints). */
  resumeNow(): void {
    this.resumer.tick();
  }

  stats(): SpoolStats {
    const { spooled, resumed, bytes, evicted, corrupt } = this.counters;
    return { spooled, resumed, spoolBytes: bytes, evicted, corrupt };
  }

  /** Resolves when every record taken so far is on disk. Never rejects. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Stops resuming (a segment being sent stays for later) and writes and seals what is queued. Never rejects. */
  async close(): Promise<void> {
    await this.resumer.stop().catch(() => undefined);
    await this.writer.close();
  }
}
