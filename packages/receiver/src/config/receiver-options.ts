import type { ReceiverMode } from '../modes/server-mode.js';
import { RECEIVER_MODES } from '../modes/server-mode.js';
import { parseModelPrices, type ModelPrice } from '../viewer/model-prices.js';

export interface EventOutcome {
  accepted: boolean;
  status: number;
  message?: string;
}

/** What one processed batch did (a 207 legacy batch, or a 200 OTLP request); the CLI prints it. */
export interface BatchSummary {
  /** The endpoint: 'ingestion' (legacy batch) or 'otlp'. */
  path: 'ingestion' | 'otlp';
  /** OTLP only: spans in the request. */
  spans?: number;
  /** Events in the batch (for OTLP: the events mapped from its spans, trace-creates merged). */
  received: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Newly stored events per event type. */
  storedByType: Record<string, number>;
}

export interface ReceiverOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default '127.0.0.1' (loopback only). */
  host?: string;
  /** Default 'pk-lf-local'. */
  publicKey?: string;
  /** Default 'sk-lf-local'. */
  secretKey?: string;
  /** Which Langfuse server to imitate. Default 'v3'. */
  mode?: ReceiverMode;
  /**
   * Default true (false in mode 'v2', where true is refused). False imitates a server < 3.99: the
   * agent/tool/chain/... `-create` types get a per-event 400 on the legacy path.
   */
  extendedObservationTypes?: boolean;
  /** Append every stored event to this file as one JSON line. */
  jsonlPath?: string;
  /** Larger request bodies get 413. Default 4.5 MiB, the server's limit. */
  maxBodyBytes?: number;
  /**
   * Serve the browser trace viewer at `/` (its files under `/viewer/`, live updates at `/api/receiver/live`).
   * Default true; false for headless use (tests, CI).
   */
  ui?: boolean;
  /**
   * Ask for the keys before serving the viewer and the `/api/receiver` read API: Basic auth with the public and secret
   * key, or a session cookie from a one-time link (`receiver.viewerUrl()`, printed by the CLI). Default: true when
   * publicKey or secretKey differs from the built-in local keys, false with those.
   */
  uiAuth?: boolean;
  /**
   * Host names, besides IP addresses and `localhost`/`*.localhost`, the viewer and the read API answer to: for a
   * proxy that puts its own name in Host. Any other name in Host gets 403 (a guard against DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /**
   * A model price table for the viewer: observations with usage but no cost get a cost derived from it, marked as
   * derived. Without one no cost is ever derived. Format: docs/receiver-ui.md.
   */
  modelPrices?: readonly ModelPrice[];
  /** Called for every event of every processed batch (OTLP: every mapped event), accepted or not. */
  onEvent?: (event: unknown, outcome: EventOutcome) => void;
  /** Called once per processed batch (a legacy batch answered 207, an OTLP request answered 200). */
  onBatch?: (summary: BatchSummary) => void;
}

export interface ResolvedReceiverOptions {
  port: number;
  host: string;
  publicKey: string;
  secretKey: string;
  mode: ReceiverMode;
  extendedObservationTypes: boolean;
  jsonlPath: string | undefined;
  maxBodyBytes: number;
  ui: boolean;
  uiAuth: boolean;
  allowedHosts: string[];
  modelPrices: ModelPrice[] | undefined;
  onEvent: ReceiverOptions['onEvent'];
  onBatch: ReceiverOptions['onBatch'];
}

export const DEFAULT_PUBLIC_KEY = 'pk-lf-local';
export const DEFAULT_SECRET_KEY = 'sk-lf-local';
export const DEFAULT_MAX_BODY_BYTES = 4.5 * 1024 * 1024;

export function resolveReceiverOptions(options: ReceiverOptions): ResolvedReceiverOptions {
  const resolved: ResolvedReceiverOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    publicKey: options.publicKey ?? DEFAULT_PUBLIC_KEY,
    secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
    mode: options.mode ?? 'v3',
    extendedObservationTypes: options.extendedObservationTypes ?? options.mode !== 'v2',
    jsonlPath: options.jsonlPath,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ui: options.ui ?? true,
    uiAuth: options.uiAuth ?? ((options.publicKey ?? DEFAULT_PUBLIC_KEY) !== DEFAULT_PUBLIC_KEY || (options.secretKey ?? DEFAULT_SECRET_KEY) !== DEFAULT_SECRET_KEY),
    allowedHosts: [...(options.allowedHosts ?? [])],
    modelPrices: options.modelPrices === undefined ? undefined : parseModelPrices(options.modelPrices),
    onEvent: options.onEvent,
    onBatch: options.onBatch,
  };
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${String(options.port)}`);
  }
  if (resolved.host === '') throw new RangeError('host must not be empty');
  for (const name of resolved.allowedHosts) {
    if (typeof name !== 'string' || !/^[^\s:/[\]]+$/.test(name)) throw new RangeError(`allowedHosts: "${String(name)}" is not a host name (no port, no brackets)`);
  }
  if (resolved.publicKey === '') throw new RangeError('publicKey must not be empty');
  if (resolved.secretKey === '') throw new RangeError('secretKey must not be empty');
  if (!RECEIVER_MODES.includes(resolved.mode)) {
    throw new RangeError(`mode must be one of ${RECEIVER_MODES.join(', ')}, got ${String(options.mode)}`);
  }
  if (resolved.mode === 'v2' && resolved.extendedObservationTypes) {
    throw new RangeError('extendedObservationTypes cannot be true in mode v2 (the extended types need Langfuse >= 3.99)');
  }
  if (!(Number.isFinite(resolved.maxBodyBytes) && resolved.maxBodyBytes > 0)) {
    throw new RangeError(`maxBodyBytes must be a positive number, got ${String(options.maxBodyBytes)}`);
  }
  return resolved;
}
