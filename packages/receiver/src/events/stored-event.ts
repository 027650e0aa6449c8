import type { IngestionEventType } from './event-types.js';

/** An event body as received; only the fields the receiver indexes on are typed. */
export interface StoredEventBody {
  id: string;
  traceId?: string;
  [field: string]: unknown;
}

/** An accepted ingestion envelope, exactly as the client sent it (unknown fields included). */
export interface StoredEvent {
  id: string;
  timestamp: string;
  type: IngestionEventType;
  body: StoredEventBody;
  metadata?: unknown;
}
