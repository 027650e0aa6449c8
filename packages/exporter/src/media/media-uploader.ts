import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import got, { type Got, type Method, type RequestError } from 'got';
import { AbortLedger, nextMoment, type DeliveryWork } from '../delivery/http/delivery-work.js';
import { settledEndRequest } from '../delivery/http/settled-end-request.js';
import type { NetworkConfig } from '../config/network-config.js';
import { createAgents, type HttpAgents } from '../delivery/http/agents.js';
import { RETRYABLE_ERROR_CODES, RETRYABLE_STATUSES, retryDelay, type RetryPolicyOptions } from '../delivery/http/retry-policy.js';
import { MAX_RESPONSE_HEADER_BYTES } from '../delivery/http/response-limits.js';
import { jsonObject } from '../wire/json-object.js';
import { ConcurrencyGate } from './concurrency-gate.js';
import type { ExtractedMedia } from './extract-media.js';

export interface MediaUploaderOptions {
  /** Origin plus path prefix, no trailing slash. */
  baseUrl: string;
  username: string;
  password: string;
  /** Sent to Langfuse's API (never to the upload URL, which may be another host). */
  headers: Record<string, string>;
  network: NetworkConfig;
  requestTimeoutMs: number;
  maxRetries: number;
  retry: RetryPolicyOptions;
  /** Uploads (each POST, PUT, PATCH sequence) running at once. */
  concurrency: number;
  onRequest?: (bytes: number) => void;
}

/** Where the media goes: Langfuse links it to this trace (and observation) and field. */
export interface MediaTarget {
  traceId: string;
  observationId?: string | undefined;
  field: 'input' | 'output' | 'metadata';
}

export type UploadOutcome =
  | { kind: 'uploaded'; mediaId: string }
  /** The server already holds these bytes: no upload URL came. */
  | { kind: 'deduplicated'; mediaId: string }
  /** `patchFailed`: uploaded, but the server was not told so (the reference still holds). */
  | { kind: 'uploaded-unconfirmed'; mediaId: string; reason: string }
  | { kind: 'failed'; reason: string; detail: string };

/** Answers of the media API are a few hundred bytes; anything far larger is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;
const MEDIA_PATH = '/api/public/media';
const MEDIA_ID = /^[A-Za-z0-9_-]{1,128}$/;

interface Answer {
  status: number;
  body: string;
}

type Attempt = { ok: true; answer: Answer } | { ok: false; reason: string; detail: string };

/**
 * Uploads media to Langfuse: `POST /api/public/media` (for an upload URL, or none when the bytes are already
 * stored), `PUT` of the bytes to the upload URL with their SHA-256, then `PATCH /api/public/media/{id}` with the
 * upload's result. Through the exporter's agents (proxy, CAs), answers capped, retried on 408/429/5xx and network
 * errors with the exporter's backoff, all by the caller's deadline, a few at a time. Never throws.
 */
export class MediaUploader {
  private readonly client: Got;
  private readonly agentsByOrigin = new Map<string, HttpAgents>();
  private readonly gate: ConcurrencyGate;
  private readonly shutdownController = new AbortController();
  /** The requests running now, each with when its work began, so a flush deadline ends only the work it covers. */
  private readonly running = new Set<{ begun: number; controller: AbortController }>();
  /** What flush deadlines and the shutdown have ended, for the uploads' work. */
  private readonly ledger = new AbortLedger();

  constructor(private readonly options: MediaUploaderOptions) {
    this.gate = new ConcurrencyGate(options.concurrency);
    this.client = got.extend({
      request: settledEndRequest,
      throwHttpErrors: false,
      followRedirect: false,
      maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      timeout: { request: options.requestTimeoutMs },
      retry: {
        limit: options.maxRetries,
        methods: ['POST', 'PUT', 'PATCH'],
        statusCodes: [...RETRYABLE_STATUSES],
        errorCodes: [...RETRYABLE_ERROR_CODES],
        calculateDelay: ({ attemptCount, computedValue, retryAfter, error }) => {
          if (computedValue === 0) return 0;
          const { deadline } = error.options.context as { deadline: number };
          return retryDelay(attemptCount, retryAfter, deadline - Date.now(), options.retry);
        },
      },
    });
  }

  /**
   * Uploads `media` by `deadline`. With the export's `work`: nothing more is started for it (no upload waiting for a
   * slot, no PUT or PATCH after the POST) once a flush deadline or shutdown has ended that work.
   */
  upload(media: ExtractedMedia, target: MediaTarget, deadline: number, work?: DeliveryWork): Promise<UploadOutcome> {
    work?.uses(this.ledger);
    return this.gate.run(() => this.uploadNow(media, target, deadline, work)).catch((error: unknown) => ({
      kind: 'failed' as const,
      reason: 'internal-error',
      detail: error instanceof Error ? error.message : String(error),
    }));
  }

  /** A flush's deadline passed: ends the uploads of work begun before `before` (running now, and later steps). */
  abortInFlight(before: number = nextMoment()): void {
    this.ledger.abortBefore(before);
    for (const request of [...this.running]) if (request.begun < before) request.controller.abort();
  }

  shutdown(): void {
    this.ledger.shutdown();
    this.shutdownController.abort();
    this.shutdownAgents();
  }

  private async uploadNow(media: ExtractedMedia, target: MediaTarget, deadline: number, work: DeliveryWork | undefined): Promise<UploadOutcome> {
    const apiHeaders = { ...this.options.headers, 'content-type': 'application/json' };
    const auth = { username: this.options.username, password: this.options.password };
    const requested = await this.request('POST', new URL(this.options.baseUrl + MEDIA_PATH), deadline, work, {
      headers: apiHeaders,
      auth,
      body: JSON.stringify({
        traceId: target.traceId,
        ...(target.observationId === undefined ? {} : { observationId: target.observationId }),
        contentType: media.contentType,
        contentLength: media.bytes.length,
        sha256Hash: media.sha256,
        field: target.field,
      }),
    });
    if (!requested.ok) return { kind: 'failed', reason: requested.reason, detail: requested.detail };
    const { status, body } = requested.answer;
    if (status === 404 || status === 405) return { kind: 'failed', reason: 'no-media-api', detail: `the server answered ${status} to ${MEDIA_PATH} (no media API)` };
    if (status < 200 || status > 299) return { kind: 'failed', reason: `http-${status}`, detail: `the server answered ${status} to ${MEDIA_PATH}` };
    const parsed = parseUploadUrlAnswer(body);
    if (!parsed) return { kind: 'failed', reason: 'invalid-answer', detail: `the server's answer to ${MEDIA_PATH} has no valid mediaId` };
    if (parsed.uploadUrl === undefined) return { kind: 'deduplicated', mediaId: parsed.mediaId };

    const started = Date.now();
    const put = await this.request('PUT', parsed.uploadUrl, deadline, work, {
      headers: { 'content-type': media.contentType, 'x-amz-checksum-sha256': media.sha256 },
      body: media.bytes,
    });
    const uploadTimeMs = Date.now() - started;
    const putStatus = put.ok ? put.answer.status : 0;
    const putOk = putStatus >= 200 && putStatus <= 299;
    const putError = put.ok ? (putOk ? undefined : `upload answered ${putStatus}`) : put.detail;

    const patch = await this.request('PATCH', new URL(`${this.options.baseUrl}${MEDIA_PATH}/${encodeURIComponent(parsed.mediaId)}`), deadline, work, {
      headers: apiHeaders,
      auth,
      body: JSON.stringify({
        uploadedAt: new Date().toISOString(),
        uploadHttpStatus: putStatus,
        ...(putError === undefined ? {} : { uploadHttpError: putError.slice(0, 500) }),
        uploadTimeMs,
      }),
    });
    if (!putOk) {
      const reason = put.ok ? `upload-http-${putStatus}` : `upload-${put.reason}`;
      return { kind: 'failed', reason, detail: putError ?? reason };
    }
    const patchStatus = patch.ok ? patch.answer.status : 0;
    if (patchStatus < 200 || patchStatus > 299) {
      return { kind: 'uploaded-unconfirmed', mediaId: parsed.mediaId, reason: patch.ok ? `patch-http-${patchStatus}` : `patch-${patch.reason}` };
    }
    return { kind: 'uploaded', mediaId: parsed.mediaId };
  }

  private async request(
    method: Method,
    url: URL,
    deadline: number,
    work: DeliveryWork | undefined,
    init: { headers: Record<string, string>; body: string | Buffer; auth?: { username: string; password: string } },
  ): Promise<Attempt> {
    const remaining = deadline - Date.now();
    if (this.shutdownController.signal.aborted) return { ok: false, reason: 'shutdown', detail: 'the exporter was shut down' };
    if (work?.ended() === 'flush-deadline') return { ok: false, reason: 'flush-deadline', detail: 'the flush deadline passed before this request' };
    if (remaining <= 0) return { ok: false, reason: 'deadline', detail: 'the export deadline passed' };
    const tooLarge = new AbortController();
    const mine = { begun: work?.begun ?? nextMoment(), controller: new AbortController() };
    this.running.add(mine);
    const signal = AbortSignal.any([this.shutdownController.signal, mine.controller.signal, AbortSignal.timeout(remaining), tooLarge.signal]);
    this.options.onRequest?.(typeof init.body === 'string' ? Buffer.byteLength(init.body) : init.body.length);
    try {
      // The exporter's own HTTP calls must never become spans of the app it is tracing.
      const request = context.with(suppressTracing(context.active()), () =>
        this.client(url, {
          method,
          headers: init.headers,
          body: init.body,
          signal,
          agent: this.agentsFor(url),
          context: { deadline },
          ...(init.auth ?? {}),
        }),
      );
      request.on('downloadProgress', ({ transferred, total }) => {
        if (transferred > MAX_ANSWER_BYTES || (total ?? 0) > MAX_ANSWER_BYTES) tooLarge.abort();
      });
      const response = await request;
      return { ok: true, answer: { status: response.statusCode, body: response.body } };
    } catch (error) {
      const failure = error as RequestError;
      if (tooLarge.signal.aborted) return { ok: false, reason: 'response-too-large', detail: `an answer passed ${MAX_ANSWER_BYTES} bytes` };
      if (this.shutdownController.signal.aborted) return { ok: false, reason: 'shutdown', detail: 'the exporter was shut down' };
      if (Date.now() >= deadline) return { ok: false, reason: 'deadline', detail: 'the export deadline passed' };
      if (failure?.name === 'TimeoutError') return { ok: false, reason: 'timeout', detail: failure.message };
      if (signal.aborted) return { ok: false, reason: 'flush-deadline', detail: 'aborted at the flush deadline' };
      return { ok: false, reason: 'network', detail: `${typeof failure?.code === 'string' ? failure.code : 'network error'}: ${failure?.message ?? String(error)}` };
    } finally {
      this.running.delete(mine);
    }
  }

  /** One pool per origin (Langfuse itself, and its upload host when that is another): proxy and CAs as configured. */
  private agentsFor(url: URL): HttpAgents {
    const origin = url.origin;
    let agents = this.agentsByOrigin.get(origin);
    if (!agents) {
      // A misbehaving server could name a new host for every upload: keep the pools few.
      if (this.agentsByOrigin.size >= 8) this.shutdownAgents();
      agents = createAgents(url, this.options.network, this.options.concurrency);
      this.agentsByOrigin.set(origin, agents);
    }
    return agents;
  }

  private shutdownAgents(): void {
    for (const agents of this.agentsByOrigin.values()) {
      agents.http.destroy();
      agents.https.destroy();
    }
    this.agentsByOrigin.clear();
  }
}

function parseUploadUrlAnswer(body: string): { mediaId: string; uploadUrl: URL | undefined } | undefined {
  const parsed = jsonObject(body);
  if (!parsed) return undefined;
  const { mediaId, uploadUrl } = parsed;
  if (typeof mediaId !== 'string' || !MEDIA_ID.test(mediaId)) return undefined;
  if (uploadUrl === undefined || uploadUrl === null) return { mediaId, uploadUrl: undefined };
  if (typeof uploadUrl !== 'string' || !URL.canParse(uploadUrl)) return undefined;
  const url = new URL(uploadUrl);
  return url.protocol === 'http:' || url.protocol === 'https:' ? { mediaId, uploadUrl: url } : undefined;
}
