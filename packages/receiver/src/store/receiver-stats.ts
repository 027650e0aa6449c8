export interface ReceiverStats {
  /** HTTP requests received, except the receiver's own read API. */
  requests: number;
  /**
   * Events in processed legacy batches plus events mapped from processed OTLP requests (requests answered by a
   * fault step are not processed).
   */
  eventsReceived: number;
  /** Events answered 201 (legacy) or stored from OTLP, duplicates included. */
  eventsAccepted: number;
  /** Legacy events answered with a per-event error. */
  eventsRejected: number;
  /** Accepted events whose envelope id had been accepted before: answered 201 again, stored once. */
  duplicateEnvelopeIds: number;
  /** Request body bytes read (as sent, i.e. compressed for a gzipped OTLP body). */
  bytesReceived: number;
  /** Fields of accepted events the real server would drop silently (a typo such as `traceID` shows up here). */
  unknownFields: number;
  /** Requests to the OTLP traces endpoint (any outcome, faults included; none in mode 'v2', which has no such endpoint). */
  otlpRequests: number;
  /** Spans in OTLP requests that were decoded and accepted (200). */
  otlpSpans: number;
  /** OTLP requests without `x-langfuse-ingestion-version: 4` (a v4 server or Langfuse Cloud may delay their data). */
  otlpWithoutIngestionVersion: number;
  /**
   * OTLP spans the mapping could not map, plus events mapped from OTLP spans that failed the receiver's validation.
   * Always a bug in the receiver or the exporter's mapping, never the client's: tests should expect 0.
   */
  otlpMappingErrors: number;
}

export function emptyStats(): ReceiverStats {
  return {
    requests: 0,
    eventsReceived: 0,
    eventsAccepted: 0,
    eventsRejected: 0,
    duplicateEnvelopeIds: 0,
    bytesReceived: 0,
    unknownFields: 0,
    otlpRequests: 0,
    otlpSpans: 0,
    otlpWithoutIngestionVersion: 0,
    otlpMappingErrors: 0,
  };
}
