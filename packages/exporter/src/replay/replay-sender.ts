import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { NetworkConfig } from '../config/network-config.js';
import type { ComponentLogger } from '../diagnostics/component-logger.js';
import type { DeadLetterOtlpRecord } from '../losses/dead-letter-record.js';
import { HttpTransport, type RequestSender, type TransportResult } from '../delivery/http/http-transport.js';
import type { DeliverableEvent } from '../wire/ingestion-event.js';
import type { EventOutcome } from '../delivery/event-outcome.js';
import { IngestionDelivery } from '../delivery/ingestion/ingestion-delivery.js';
import { readRequestAnswer } from '../delivery/request-answer.js';
import { safeJsonStringify } from '../events/safe-json.js';
import type { SerializedEvent } from '../events/serialized-event.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';

const gzipAsync = promisify(gzip);

export interface ReplayTarget {
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  timeoutMs: number;
  maxRetries: number;
  maxBatchBytes: number;
  /** Proxy and TLS settings (the exporter's, when its spool resends); default: Node's. */
  network?: NetworkConfig;
  /** Extra headers on every request (the exporter's `additionalHeaders`). */
  headers?: Record<string, string>;
  /** Connections per endpoint. Default 2. */
  maxSockets?: number;
  /** The caller resends legacy events a v4 server refuses over OTLP (the spool): their refusal is not an error line. */
  resendsRefusedTypes?: boolean;
}

/** What became of the records sent. */
export interface ReplayTally {
  accepted: number;
  /** Refused for good by the server, by reason (`event-400`, `http-401`, ...). */
  rejected: Record<string, number>;
  /** Not delivered (server unreachable, retries exhausted, ...), by reason. */
  failed: Record<string, number>;
  /** The longest `Retry-After` of a refusal (408/429/5xx) that ended a request undelivered: wait this long before the next. */
  retryAfterMs?: number;
}

export const emptyTally = (): ReplayTally => ({ accepted: 0, rejected: {}, failed: {} });

function count(tally: ReplayTally, outcome: EventOutcome, n = 1): void {
  if (outcome.kind === 'accepted') tally.accepted += n;
  else {
    const into = outcome.kind === 'rejected' ? tally.rejected : tally.failed;
    into[outcome.reason] = (into[outcome.reason] ?? 0) + n;
  }
}

/** Sends dead-letter records to a Langfuse server: legacy events as batches, OTLP records as OTLP/JSON requests. */
export class ReplaySender {
  private readonly ingestion: HttpTransport;
  private readonly otlp: HttpTransport;
  private readonly delivery: IngestionDelivery;
  /** The longest Retry-After of the final answers seen since the last `sendEvents`/`sendOtlp` began. */
  private retryAfterMs: number | undefined;

  constructor(
    private readonly target: ReplayTarget,
    private readonly log: ComponentLogger,
  ) {
    const transport = (path: string, headers: Record<string, string>) =>
      new HttpTransport({
        url: new URL(target.baseUrl + path),
        username: target.publicKey,
        password: target.secretKey,
        headers: { ...target.headers, ...headers, 'x-langfuse-sdk-name': SDK_NAME, 'x-langfuse-sdk-version': SDK_VERSION, 'x-langfuse-public-key': target.publicKey },
        requestTimeoutMs: Math.min(30_000, target.timeoutMs),
        maxRetries: target.maxRetries,
        maxSockets: target.maxSockets ?? 2,
        ...(target.network && { network: target.network }),
        retry: { initialDelayMs: 500, maxDelayMs: 10_000 },
        maxRetryAfterMs: target.timeoutMs,
      });
    this.ingestion = transport('/api/public/ingestion', { 'content-type': 'application/json' });
    this.otlp = transport('/api/public/otel/v1/traces', { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-langfuse-ingestion-version': '4' });
    this.delivery = new IngestionDelivery(
      this.watched(this.ingestion),
      {
        endpoint: `${target.baseUrl}/api/public/ingestion`,
        maxBatchBytes: target.maxBatchBytes,
        maxEventBytes: target.maxBatchBytes - 64,
        maxRetries: target.maxRetries,
        retry: { initialDelayMs: 500, maxDelayMs: 10_000 },
        ...(target.resendsRefusedTypes && { resendsRefusedTypes: true }),
      },
      log,
    );
  }

  async sendEvents(events: readonly DeliverableEvent[], tally: ReplayTally): Promise<void> {
    this.retryAfterMs = undefined;
    const serialized: SerializedEvent[] = events.map((event) => {
      const json = safeJsonStringify(event);
      return { event, json, bytes: Buffer.byteLength(json), spanId: undefined };
    });
    const outcomes = await this.delivery.deliver(serialized, Date.now() + this.target.timeoutMs);
    for (const event of serialized) count(tally, outcomes.get(event) ?? { kind: 'dropped', reason: 'unsettled' });
    this.tellRetryAfter(tally);
  }

  async sendOtlp(records: readonly DeadLetterOtlpRecord[], tally: ReplayTally): Promise<void> {
    this.retryAfterMs = undefined;
    const deadline = Date.now() + this.target.timeoutMs;
    const queue = this.group(records);
    const otlp = this.watched(this.otlp);
    for (let group = queue.shift(); group; group = queue.shift()) {
      const json = `{"resourceSpans":[${group.map((record) => record.otlp.resourceSpans.map((rs) => safeJsonStringify(rs)).join(',')).join(',')}]}`;
      const result = await otlp.send(await gzipAsync(json), deadline);
      const answer = readRequestAnswer(result, { endpoint: `${this.target.baseUrl}/api/public/otel/v1/traces`, count: group.length, unit: 'spans' }, this.log);
      if (answer.kind === 'split') {
        const half = Math.ceil(group.length / 2);
        queue.unshift(group.slice(0, half), group.slice(half));
        continue;
      }
      count(tally, answer.kind === 'settled' || answer.kind === 'unknown' ? answer.outcome : { kind: 'accepted' }, group.length);
    }
    this.tellRetryAfter(tally);
  }

  /** The transport, noting the server's Retry-After on each final answer it gives. */
  private watched(transport: RequestSender): RequestSender {
    return {
      send: async (body, deadline, options) => {
        const result = await transport.send(body, deadline, options);
        const wait = retryAfterOf(result);
        if (wait !== undefined) this.retryAfterMs = Math.max(this.retryAfterMs ?? 0, wait);
        return result;
      },
    };
  }

  private tellRetryAfter(tally: ReplayTally): void {
    if (this.retryAfterMs !== undefined && Object.keys(tally.failed).length > 0) tally.retryAfterMs = Math.max(tally.retryAfterMs ?? 0, this.retryAfterMs);
  }

  shutdown(): void {
    this.ingestion.shutdown();
    this.otlp.shutdown();
  }

  /** Records in requests of at most `maxBatchBytes` of JSON (a single bigger record travels alone). */
  private group(records: readonly DeadLetterOtlpRecord[]): DeadLetterOtlpRecord[][] {
    const groups: DeadLetterOtlpRecord[][] = [];
    let current: DeadLetterOtlpRecord[] = [];
    let size = 0;
    for (const record of records) {
      const bytes = Buffer.byteLength(safeJsonStringify(record.otlp.resourceSpans));
      if (current.length > 0 && size + bytes > this.target.maxBatchBytes) {
        groups.push(current);
        current = [];
        size = 0;
      }
      current.push(record);
      size += bytes;
    }
    if (current.length > 0) groups.push(current);
    return groups;
  }
}

/** Longest wait a server's Retry-After can impose on a resend (beyond it, the usual back-off applies). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** The Retry-After (seconds or an HTTP date) of a refusal to try again later (408, 429, 5xx), in ms. */
function retryAfterOf(result: TransportResult): number | undefined {
  if (result.kind !== 'response' || !(result.status === 408 || result.status === 429 || result.status >= 500)) return undefined;
  const header = result.headers['retry-after'];
  const text = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!text) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
