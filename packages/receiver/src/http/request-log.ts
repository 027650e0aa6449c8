import type { IncomingMessage } from 'node:http';
import type { FaultKind } from '../modes/fault-script.js';

/** Which endpoint a request was for, by its path (whether or not the mode serves it). */
export type RequestEndpoint = 'ingestion' | 'otlp' | 'health' | 'other';

export interface RequestRecord {
  method: string;
  /** Path and query as requested. */
  path: string;
  endpoint: RequestEndpoint;
  /** Status answered, or null when no response was sent (hang, destroy, client gone). */
  status: number | null;
  /** Request headers; credentials are replaced by 'REDACTED'. */
  headers: Record<string, string>;
  bodyBytes: number;
  /** Events in the batch, when the body was a valid batch (OTLP: the events mapped from its spans). */
  eventCount: number;
  /** OTLP only: spans in the request, once it was decoded. */
  spanCount?: number;
  /** The `x-langfuse-ingestion-version` header, when the request had one. */
  ingestionVersion?: string;
  /** ISO time the request arrived. */
  time: string;
  /** The fault step applied to this request, if any. */
  fault?: FaultKind;
}

export const INGESTION_VERSION_HEADER = 'x-langfuse-ingestion-version';

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

// Bounds memory in long benchmark runs; older records are dropped first.
const MAX_RECORDS = 10_000;

export class RequestLog {
  private records: RequestRecord[] = [];

  /** Starts a record; the caller fills in status and sizes as the request proceeds. */
  start(req: IncomingMessage, endpoint: RequestEndpoint): RequestRecord {
    const record: RequestRecord = {
      method: req.method ?? '',
      path: req.url ?? '',
      endpoint,
      status: null,
      headers: redactedHeaders(req),
      bodyBytes: 0,
      eventCount: 0,
      time: new Date().toISOString(),
    };
    const ingestionVersion = req.headers[INGESTION_VERSION_HEADER];
    if (typeof ingestionVersion === 'string') record.ingestionVersion = ingestionVersion;
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
    return record;
  }

  list(): RequestRecord[] {
    return this.records.map((record) => ({ ...record, headers: { ...record.headers } }));
  }

  clear(): void {
    this.records = [];
  }
}

function redactedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = REDACTED_HEADERS.has(name) ? 'REDACTED' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
