/** What became of one event (legacy path) or span (OTLP) sent to Langfuse. */
export type EventOutcome =
  | { kind: 'accepted' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'dropped'; reason: string };
