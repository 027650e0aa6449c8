/** What the spool did, as `stats()` shows it. Records are events (legacy path) or spans (OTLP path). */
export interface SpoolCounters {
  /** Records written to the spool. */
  spooled: number;
  /** Spooled records the server accepted when they were sent again. */
  resumed: number;
  /** Bytes of segments in the spool directory now (every process's). */
  bytes: number;
  /** Records not spooled because the spool was full (`spoolMaxBytes`, or its memory buffer): the newest are dropped. */
  evicted: number;
  /** Records skipped when reading a segment back: torn, truncated or failing their checksum. */
  corrupt: number;
}

export const emptySpoolCounters = (): SpoolCounters => ({ spooled: 0, resumed: 0, bytes: 0, evicted: 0, corrupt: 0 });
