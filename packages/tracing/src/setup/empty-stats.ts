import type { ExporterStats } from '@otel-langfuse/exporter';

/** The counters of an exporter that was never built (tracing off). Mirrors `ExporterStats`: the compiler flags a new field. */
export function emptyStats(): ExporterStats {
  return {
    spansReceived: 0,
    spansFiltered: 0,
    spansExported: 0,
    eventsSent: 0,
    eventsRejected: {},
    eventsDropped: {},
    eventsTruncated: 0,
    eventsDowngraded: 0,
    requests: 0,
    retries: 0,
    bytesSent: 0,
    exportsInFlight: 0,
    transport: 'ingestion',
    spansResent: 0,
  };
}
