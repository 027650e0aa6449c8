export interface ReceiverStats {
  /** HTTP requests received, except the receiver's own read API. */
  requests: number;
  /** Events in processed batches (requests answered by a fault step are not processed). */
  eventsReceived: number;
  /** Events answered 201, duplicates included. */
  eventsAccepted: number;
  /** Events answered with a per-event error. */
  eventsRejected: number;
  /** Accepted events whose envelope id had been accepted before: answered 201 again, stored once. */
  duplicateEnvelopeIds: number;
  /** Request body bytes read. */
  bytesReceived: number;
  /** Fields of accepted events the real server would drop silently (a typo such as `traceID` shows up here). */
  unknownFields: number;
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
  };
}
