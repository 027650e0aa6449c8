import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { EventStore, type EventPredicate } from './store/event-store.js';
import type { IngestionEventType } from './events/event-types.js';
import { EventValidator } from './ingestion/event-validator.js';
import { serveWithFault } from './modes/fault-handler.js';
import { FaultScript, type FaultController } from './modes/fault-script.js';
import { jsonReply, messageReply, sendReply } from './http/http-reply.js';
import { handleIngestion, readCountedBody, type IngestionEndpoint } from './ingestion/ingestion-handler.js';
import { JsonlSink } from './store/jsonl-sink.js';
import { handleOtlp, type OtlpEndpoint } from './otlp/otlp-handler.js';
import { OtlpIngestor } from './otlp/otlp-ingest.js';
import { readApiReply } from './http/read-api.js';
import { projectsReply } from './http/projects-api.js';
import { resolveReceiverOptions, type ReceiverOptions, type ResolvedReceiverOptions } from './config/receiver-options.js';
import { emptyStats, type ReceiverStats } from './store/receiver-stats.js';
import { INGESTION_VERSION_HEADER, RequestLog, type RequestRecord } from './http/request-log.js';
import { closeServer, createReceiverServer, listen } from './server.js';
import { acceptsOtlp, emulatedServerVersion } from './modes/server-mode.js';
import type { StoredEvent } from './events/stored-event.js';
import { DEFAULT_MAX_MEDIA_BYTES, serveMedia, type MediaEndpoint } from './media/media-handler.js';
import { DEFAULT_MEDIA_STORE_BYTES, MediaStore, type StoredMedia } from './media/media-store.js';
import { assembleTrace, traceIdOfEvent, type AssembledTrace } from './traces/trace-assembly.js';
import { TraceRowCache } from './traces/trace-row-cache.js';
import type { TraceRow } from './traces/trace-row.js';
import { LiveTraceFeed } from './viewer/live-trace-feed.js';
import { TraceViewer } from './viewer/trace-viewer.js';
import { isGatedPath, ViewerGate } from './viewer/viewer-gate.js';
import { RebindingGuard } from './viewer/rebinding-guard.js';
import { PriceTable } from './viewer/model-prices.js';
import { withDerivedCosts, type PricedTrace } from './viewer/derived-costs.js';

export interface Receiver {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly port: number;
  readonly publicKey: string;
  readonly secretKey: string;
  /** Accepted events in arrival order, each envelope id once. */
  events(): StoredEvent[];
  /** The trace-create events with `body.id === traceId` and the observations with `body.traceId === traceId`. */
  eventsForTrace(traceId: string): StoredEvent[];
  /** The stored events of one type (e.g. 'score-create'), in arrival order. */
  eventsOfType(type: IngestionEventType): StoredEvent[];
  /**
   * Every trace as Langfuse would show it (events merged per trace, observation and score), in order of first
   * arrival. A trace needs a trace-create or an observation; scores alone make none.
   */
  traces(): AssembledTrace[];
  /** One trace as Langfuse would show it; undefined when no trace-create or observation of it was stored. */
  trace(traceId: string): AssembledTrace | undefined;
  /** Resolves once the predicate holds for the stored events; rejects after timeoutMs (default 5000). */
  waitForEvents(predicate: EventPredicate, timeoutMs?: number): Promise<StoredEvent[]>;
  stats(): ReceiverStats;
  /** Recorded requests, oldest first; `endpoint` tells which path (legacy ingestion or OTLP) a request used. */
  requests(): RequestRecord[];
  /** Scripted faults, consumed one per ingestion request: legacy or OTLP, whichever arrives next. */
  readonly faults: FaultController;
  /**
   * The browser viewer's URL. With keys configured (`uiAuth`), it carries a new one-time token (`/?token=...`) that
   * opens the viewer in one browser (it sets a session cookie); each call makes a new one.
   */
  viewerUrl(): string;
  /** Media records (POST /api/public/media), with their bytes once uploaded. */
  media(): StoredMedia[];
  /** Scripted faults, consumed one per media upload (the PUT to an upload URL). */
  readonly mediaUploadFaults: FaultController;
  /** Clears stored events, stats, the request log and the fault script. */
  reset(): void;
  /** Closes the server, ending open connections (hung requests included), and flushes the JSONL file. */
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5000;

// Compiling the schemas takes tens of milliseconds; compiled validators keep no state between calls, so receivers share one.
let sharedValidator: EventValidator | undefined;

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const config = resolveReceiverOptions(options);
  const sink = config.jsonlPath === undefined ? undefined : await JsonlSink.open(config.jsonlPath);
  const receiver = new LocalReceiver(config, sink);
  try {
    await receiver.listen();
  } catch (error) {
    await sink?.close();
    throw error;
  }
  return receiver;
}

class LocalReceiver implements Receiver {
  readonly faults: FaultScript = new FaultScript();
  readonly mediaUploadFaults: FaultScript = new FaultScript();
  private readonly mediaStore = new MediaStore(DEFAULT_MEDIA_STORE_BYTES);
  private readonly mediaEndpoint: MediaEndpoint;
  readonly publicKey: string;
  readonly secretKey: string;
  private boundPort = 0;
  private readonly statistics: ReceiverStats = emptyStats();
  private readonly store = new EventStore();
  private readonly requestLog = new RequestLog();
  private readonly shutdown = new AbortController();
  private readonly endpoint: IngestionEndpoint;
  private readonly otlpEndpoint: OtlpEndpoint;
  private readonly server: Server;
  private readonly prices: PriceTable | undefined;
  /** Traces whose list row includes a cost derived from the price table. */
  private readonly derivedCostTraces = new Set<string>();
  private readonly rows = new TraceRowCache(
    () => this.store.traceIds(),
    (traceId) => this.pricedTraceForRow(traceId),
  );
  private readonly feed = new LiveTraceFeed((traceId) => this.viewerRow(this.rows.row(traceId)));
  private readonly gate: ViewerGate | undefined;
  private readonly rebindingGuard: RebindingGuard;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: ResolvedReceiverOptions,
    private readonly sink: JsonlSink | undefined,
  ) {
    this.publicKey = config.publicKey;
    this.secretKey = config.secretKey;
    this.rebindingGuard = new RebindingGuard(config.allowedHosts);
    this.prices = config.modelPrices === undefined ? undefined : new PriceTable(config.modelPrices);
    this.gate = config.uiAuth ? new ViewerGate({ publicKey: config.publicKey, secretKey: config.secretKey }, () => `otel_langfuse_viewer_${this.boundPort}`) : undefined;
    const validator = (sharedValidator ??= new EventValidator());
    this.endpoint = {
      keys: { publicKey: config.publicKey, secretKey: config.secretKey },
      maxBodyBytes: config.maxBodyBytes,
      validator,
      stats: this.statistics,
      ingest: {
        validator,
        policy: { mode: config.mode, extendedObservationTypes: config.extendedObservationTypes },
        store: this.store,
        stats: this.statistics,
        onStored: (event) => this.stored(event),
        onEvent: config.onEvent,
      },
      onBatch: config.onBatch,
    };
    this.otlpEndpoint = {
      keys: this.endpoint.keys,
      maxBodyBytes: config.maxBodyBytes,
      stats: this.statistics,
      ingestor: new OtlpIngestor(this.endpoint.ingest),
      onBatch: config.onBatch,
    };
    const viewer = config.ui ? new TraceViewer(this.feed) : undefined;
    this.mediaEndpoint = {
      keys: this.endpoint.keys,
      store: this.mediaStore,
      maxMediaBytes: DEFAULT_MAX_MEDIA_BYTES,
      selfUrl: () => this.url,
      uploadFaults: this.mediaUploadFaults,
      signal: this.shutdown.signal,
    };
    this.server = createReceiverServer({
      requestLog: this.requestLog,
      countRequest: () => {
        this.statistics.requests++;
      },
      ingestion: (req, res, record) => this.serveIngestion(req, res, record),
      otlp: acceptsOtlp(this.endpoint.ingest.policy) ? (req, res, record) => this.serveOtlp(req, res, record) : undefined,
      health: () => jsonReply(200, { status: 'OK', version: emulatedServerVersion(this.endpoint.ingest.policy) }),
      projects: (authorization) => projectsReply(authorization, this.endpoint.keys),
      readApi: (method, url) => readApiReply(method, url, this),
      media: (req, res, url) => serveMedia(req, res, url, this.mediaEndpoint),
      gate: (req, res, url) => this.admit(req, res, url),
      viewer: viewer ? (req, res, pathname) => viewer.serve(req, res, pathname) : undefined,
    });
  }

  async listen(): Promise<void> {
    this.boundPort = await listen(this.server, this.config.port, this.config.host);
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `http://${host}:${this.boundPort}`;
  }

  events(): StoredEvent[] {
    return this.store.all();
  }

  eventsForTrace(traceId: string): StoredEvent[] {
    return this.store.forTrace(traceId);
  }

  eventsOfType(type: IngestionEventType): StoredEvent[] {
    return this.store.all().filter((event) => event.type === type);
  }

  traces(): AssembledTrace[] {
    const traces: AssembledTrace[] = [];
    for (const traceId of this.store.traceIds()) {
      const trace = this.trace(traceId);
      if (trace) traces.push(trace);
    }
    return traces;
  }

  trace(traceId: string): AssembledTrace | undefined {
    return assembleTrace(this.store.withScores(traceId), traceId, (event) => this.store.batchOf(event));
  }

  traceRows(): TraceRow[] {
    const rows = this.rows.all();
    return this.derivedCostTraces.size === 0 ? rows : rows.map((row) => this.viewerRow(row)!);
  }

  priceTrace(trace: AssembledTrace): PricedTrace {
    return withDerivedCosts(trace, this.prices);
  }

  mediaRecord(mediaId: string): StoredMedia | undefined {
    return this.mediaStore.get(mediaId);
  }

  viewerUrl(): string {
    return this.gate ? `${this.url}/?token=${this.gate.mintToken()}` : `${this.url}/`;
  }

  /**
   * Access to the viewer and the read API: a Host that is an IP address, a loopback name or an allowed name (DNS
   * rebinding), then the key gate if any. Ingestion, OTLP and the public API take any Host, as SDKs send their own.
   */
  private admit(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (isGatedPath(url.pathname) && !this.rebindingGuard.admits(req)) {
      sendReply(res, messageReply(403, 'The viewer answers only to an IP address or localhost in Host (a guard against DNS rebinding): open it at 127.0.0.1 or localhost, or allow this name with --allow-host (allowedHosts).'));
      return false;
    }
    return this.gate === undefined || this.gate.admit(req, res, url);
  }

  private pricedTraceForRow(traceId: string): AssembledTrace | undefined {
    const trace = this.trace(traceId);
    if (trace === undefined || this.prices === undefined) return trace;
    const priced = withDerivedCosts(trace, this.prices);
    if (priced.derivedCostIds.length > 0) this.derivedCostTraces.add(traceId);
    else this.derivedCostTraces.delete(traceId);
    return priced.trace;
  }

  /** A list row marked `costDerived` when its total includes a cost derived from the price table. */
  private viewerRow(row: TraceRow | undefined): TraceRow | undefined {
    return row !== undefined && this.derivedCostTraces.has(row.id) ? { ...row, costDerived: true } as TraceRow : row;
  }

  waitForEvents(predicate: EventPredicate, timeoutMs: number = DEFAULT_WAIT_MS): Promise<StoredEvent[]> {
    if (this.closing) return Promise.reject(new Error('waitForEvents: the receiver is closed'));
    return this.store.waitFor(predicate, timeoutMs);
  }

  stats(): ReceiverStats {
    return { ...this.statistics };
  }

  requests(): RequestRecord[] {
    return this.requestLog.list();
  }

  reset(): void {
    this.store.clear();
    this.rows.clear();
    this.derivedCostTraces.clear();
    this.feed.reset();
    Object.assign(this.statistics, emptyStats());
    this.requestLog.clear();
    this.faults.clear();
    this.mediaStore.clear();
    this.mediaUploadFaults.clear();
  }

  media(): StoredMedia[] {
    return this.mediaStore.all();
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.shutdown.abort();
    this.store.close('the receiver was closed');
    this.feed.close();
    await closeServer(this.server);
    await this.sink?.close();
  }

  private stored(event: StoredEvent): void {
    this.sink?.write(event);
    const traceId = traceIdOfEvent(event);
    if (traceId === undefined) return;
    this.rows.invalidate(traceId);
    this.feed.traceChanged(traceId);
  }

  private async serveIngestion(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    const fault = this.faults.take();
    if (fault) record.fault = fault.kind;
    await serveWithFault(
      {
        res,
        readBody: () => readCountedBody(req, record, this.endpoint),
        handle: (eventFault) => handleIngestion(req, record, this.endpoint, eventFault),
        signal: this.shutdown.signal,
      },
      fault,
    );
  }

  // A fault step applies as on the legacy path. An `eventErrors` step is consumed but has no effect: OTLP answers
  // have no per-event results, so the request is processed normally (its record still shows the step).
  private async serveOtlp(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    this.statistics.otlpRequests++;
    if (req.headers[INGESTION_VERSION_HEADER]?.toString().trim() !== '4') this.statistics.otlpWithoutIngestionVersion++;
    const fault = this.faults.take();
    if (fault) record.fault = fault.kind;
    await serveWithFault(
      {
        res,
        readBody: () => readCountedBody(req, record, this.otlpEndpoint),
        handle: () => handleOtlp(req, record, this.otlpEndpoint),
        signal: this.shutdown.signal,
      },
      fault,
    );
  }
}
