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
}

export class StatsRecorder {
  private readonly counters: Omit<ExporterStats, 'exportsInFlight' | 'eventsRejected' | 'eventsDropped' | 'transport'> = {
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
  };
  private readonly rejected = new Map<string, number>();
  private readonly dropped = new Map<string, number>();

  add(name: keyof StatsRecorder['counters'], amount = 1): void {
    this.counters[name] += amount;
  }

  reject(reason: string, count = 1): void {
    if (count > 0) this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + count);
  }

  drop(reason: string, count = 1): void {
    if (count > 0) this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + count);
  }

  snapshot(exportsInFlight: number, transport: ExporterStats['transport']): ExporterStats {
    return {
      ...this.counters,
      eventsRejected: Object.fromEntries(this.rejected),
      eventsDropped: Object.fromEntries(this.dropped),
      exportsInFlight,
      transport,
    };
  }
}
