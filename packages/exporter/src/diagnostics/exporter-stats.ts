/** Counters a user can read with `exporter.stats()`. Reasons are short stable strings, e.g. `http-401`. */
export interface ExporterStats {
  /** Spans handed to `export`. */
  spansReceived: number;
  /** Spans skipped by `shouldExportSpan`. */
  spansFiltered: number;
  /** Spans whose events were all accepted by the server. */
  spansExported: number;
  /** Events the server accepted. */
  eventsSent: number;
  /** Events the server refused for good, by reason (e.g. `event-400`, `http-401`, `event-type-not-accepted`). */
  eventsRejected: Record<string, number>;
  /** Events given up on without a final answer, by reason (e.g. `retries-exhausted`, `deadline`, `shutdown`, `disabled`). */
  eventsDropped: Record<string, number>;
  /** Events whose largest field was replaced by a marker to fit `maxEventBytes`. */
  eventsTruncated: number;
  /** Extended-type observations resent as span/generation because the server predates them. */
  eventsDowngraded: number;
  /** HTTP requests made, retries included. */
  requests: number;
  /** Retries of whole requests and of single events. */
  retries: number;
  /** Bytes of request bodies sent. */
  bytesSent: number;
  /** `export` calls running now. */
  exportsInFlight: number;
  /** The endpoint spans go to now (with `transport: 'auto'` it can change once). */
  transport: 'ingestion' | 'otlp';
  /** Spans sent again on the other path after `'auto'` switched. */
  spansResent: number;
  /** Media (images, audio, files in input/output/metadata) uploaded to Langfuse and replaced by its reference. */
  mediaUploaded: number;
  /** Media the server already held (same bytes): referenced without an upload. */
  mediaDeduplicated: number;
  /** Bytes of media uploaded. */
  mediaBytes: number;
  /**
   * Media not uploaded (replaced by a marker), by reason: `too-large`, `too-many`, `memory-cap`, `no-media-api`,
   * `http-<status>`, `upload-http-<status>`, `upload-<network|timeout|deadline>`, …; `patch-*` counts media uploaded
   * whose confirmation failed (the reference is kept).
   */
  mediaFailed: Record<string, number>;
  // The fields below are always present on a running exporter's stats; optional only so that stats objects made
  // elsewhere (a disabled setup's) still type-check.
  /** Bytes of serialized events and request bodies held for delivery now (capped by `maxBufferedBytes`). */
  bufferedBytes: number;
  /** The most ever held at once. */
  peakBufferedBytes: number;
  /** `closed` (sending), `open` (not sending after repeated failures), `half-open` (one probe request out). */
  circuitState: 'closed' | 'open' | 'half-open';
  /** Times the circuit breaker opened (re-opening after a failed probe included). */
  circuitOpened: number;
  /** Records written to the dead-letter file (events on the legacy path, spans on the OTLP path). */
  deadLettered: number;
  /** Records not written to the dead-letter file, by reason (`file-full`, `buffer-full`, `write-error`, `closed`). */
  deadLetterSkipped: Record<string, number>;
  /** Spool (`spoolDir`), in records (events on the legacy path, spans on OTLP); all 0 without one. Records written to the spool. */
  spooled: number;
  /** Spooled records the server accepted when the spool sent them again (this process). */
  resumed: number;
  /** Bytes of segments in the spool directory now. */
  spoolBytes: number;
  /** Records not spooled because the spool was full (`spoolMaxBytes`; the newest are dropped) or its disk failed. */
  evicted: number;
  /** Records skipped when a segment was read back: torn, truncated or failing their checksum. */
  corrupt: number;
}

/** The spool's figures of a snapshot. */
type SpoolFields = 'spooled' | 'resumed' | 'spoolBytes' | 'evicted' | 'corrupt';

/** The extra, live figures of a snapshot. */
export type LiveStats = Pick<ExporterStats, 'exportsInFlight' | 'transport'> &
  Partial<Pick<ExporterStats, 'bufferedBytes' | 'peakBufferedBytes' | 'circuitState' | 'circuitOpened' | 'deadLettered' | 'deadLetterSkipped' | SpoolFields>>;

/** Every counter at zero: the stats of an exporter that never ran (e.g. tracing turned off). */
export function emptyExporterStats(): ExporterStats {
  return new StatsRecorder().snapshot({ exportsInFlight: 0, transport: 'ingestion' });
}

/** Told of every drop and rejection as it is counted (the periodic summary line). */
export interface DropObserver {
  drop(reason: string, count: number): void;
  reject(reason: string, count: number): void;
}

export class StatsRecorder {
  private readonly counters: Omit<ExporterStats, keyof LiveStats | 'eventsRejected' | 'eventsDropped' | 'mediaFailed'> = {
    spansReceived: 0,
    spansFiltered: 0,
    spansExported: 0,
    eventsSent: 0,
    eventsTruncated: 0,
    eventsDowngraded: 0,
    requests: 0,
    retries: 0,
    bytesSent: 0,
    spansResent: 0,
    mediaUploaded: 0,
    mediaDeduplicated: 0,
    mediaBytes: 0,
  };
  private readonly mediaFailures = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  observer: DropObserver | undefined;

  add(name: keyof StatsRecorder['counters'], amount = 1): void {
    this.counters[name] += amount;
  }

  reject(reason: string, count = 1): void {
    if (count <= 0) return;
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + count);
    this.observer?.reject(reason, count);
  }

  drop(reason: string, count = 1): void {
    if (count <= 0) return;
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + count);
    this.observer?.drop(reason, count);
  }

  /** Media not uploaded (not a span or event drop: the span is still sent, with a marker). */
  mediaFailure(reason: string): void {
    this.mediaFailures.set(reason, (this.mediaFailures.get(reason) ?? 0) + 1);
  }

  snapshot(live: LiveStats): ExporterStats {
    return {
      ...this.counters,
      mediaFailed: Object.fromEntries(this.mediaFailures),
      eventsRejected: Object.fromEntries(this.rejected),
      eventsDropped: Object.fromEntries(this.dropped),
      bufferedBytes: 0,
      peakBufferedBytes: 0,
      circuitState: 'closed',
      circuitOpened: 0,
      deadLettered: 0,
      deadLetterSkipped: {},
      spooled: 0,
      resumed: 0,
      spoolBytes: 0,
      evicted: 0,
      corrupt: 0,
      ...live,
    };
  }
}
