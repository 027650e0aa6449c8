import type { IncomingHttpHeaders } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import got, { type Got, type RequestError } from 'got';
import type { NetworkConfig } from '../../config/network-config.js';
import { createAgents, type HttpAgents } from './agents.js';
import { settledEndRequest } from './settled-end-request.js';
import { AbortLedger, nextMoment, type DeliveryWork } from './delivery-work.js';
import { RETRYABLE_ERROR_CODES, RETRYABLE_STATUSES, retryDelay, type RetryPolicyOptions } from './retry-policy.js';
import { HEADER_OVERFLOW_CODE, MAX_RESPONSE_BYTES, MAX_RESPONSE_HEADER_BYTES } from './response-limits.js';

export interface HttpTransportOptions {
  url: URL;
  /** Basic auth credentials. */
  username: string;
  password: string;
  headers: Record<string, string>;
  requestTimeoutMs: number;
  maxRetries: number;
  maxSockets: number;
  /** Proxy, extra CAs, certificate checking. Default: direct, Node's CAs. */
  network?: NetworkConfig;
  retry: RetryPolicyOptions;
  /** Upper bound for any wait, including a server's Retry-After. */
  maxRetryAfterMs: number;
  onRetry?: (reason: string) => void;
  onRequest?: (bytes: number) => void;
  /** Cap on a response body, after decompression. Default MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
}

export type TransportResult =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: string }
  | {
      kind: 'error';
      reason: TransportErrorReason;
      code: string;
      message: string;
      /** An abort (shutdown, flush deadline) that came after an attempt had already failed: `code`/`message` are that failure's. */
      afterFailure?: boolean;
    };

/**
 * Why no answer came. `response-too-large`: the answer (body or headers) passed its cap and the request was
 * aborted, so whether the server stored the request is unknown. `flush-deadline`: a flush's deadline passed and
 * the requests in flight were aborted (see `abortInFlight`).
 */
export type TransportErrorReason = 'timeout' | 'deadline' | 'network' | 'shutdown' | 'circuit-open' | 'response-too-large' | 'flush-deadline';

/** What the deliveries need of a transport: one request, answered as a value, never thrown. */
export interface RequestSender {
  send(body: string | Buffer, deadline: number, options?: SendOptions): Promise<TransportResult>;
}

export interface SendOptions {
  /** One attempt, no retries (a circuit breaker's probe). */
  singleAttempt?: boolean;
  /** Headers for this request only, over the transport's own (e.g. `content-encoding` when the body is compressed). */
  headers?: Record<string, string>;
  /**
   * The delivery this request is part of: refused at once (`flush-deadline`) when it began before the latest
   * `abortInFlight()`, so a flush deadline ends the export's later batches and retry rounds too.
   */
  work?: DeliveryWork;
}

interface RequestContext extends Record<string, unknown> {
  deadline: number;
  /**
   * The last attempt's failure, so an abort that follows it (shutdown, flush deadline) does not hide the real cause.
   * A holder object: got copies the context it is given, not the objects in it.
   */
  failures: { last?: { code: string; message: string } };
  /** The body's size, counted once per attempt. */
  bytes: number;
}

/**
 * POSTs bodies to one URL with got: Basic auth, keep-alive agents owned here, per-attempt timeout,
 * got's own retry of 408/429/5xx and network errors (Retry-After honoured), all inside the caller's deadline.
 * Returns what the server said as a value; never throws.
 */
export class HttpTransport implements RequestSender {
  private readonly client: Got;
  private readonly agents: HttpAgents;
  /** The requests running now, so a flush deadline or a shutdown can end them. */
  private readonly running = new Set<RunningRequest>();
  /** What flush deadlines and the shutdown have ended, for the deliveries' work (later requests, waits). */
  private readonly ledger = new AbortLedger();

  constructor(private readonly options: HttpTransportOptions) {
    this.agents = createAgents(options.url, options.network, options.maxSockets);
    this.client = got.extend({
      method: 'POST',
      username: options.username,
      password: options.password,
      headers: options.headers,
      throwHttpErrors: false,
      // Never follow a redirect: it would carry the Basic credentials to wherever the server points.
      followRedirect: false,
      maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      agent: this.agents,
      // A failed connection must reach got once, as the error it retries (see settledEndRequest).
      request: settledEndRequest,
      timeout: { request: options.requestTimeoutMs },
      retry: {
        limit: options.maxRetries,
        methods: ['POST'],
        statusCodes: [...RETRYABLE_STATUSES],
        errorCodes: [...RETRYABLE_ERROR_CODES],
        maxRetryAfter: options.maxRetryAfterMs,
        calculateDelay: ({ attemptCount, computedValue, retryAfter, error }) => {
          if (computedValue === 0) return 0;
          const { deadline, failures } = error.options.context as RequestContext;
          // Recorded here, before got's wait, not in beforeRetry (which runs after it): an abort during the wait
          // must still name this failure as the cause.
          failures.last = failureOf(error);
          return retryDelay(attemptCount, retryAfter, deadline - Date.now(), options.retry);
        },
      },
      hooks: {
        // The first attempt's bytes are counted in send(): a beforeRequest hook would cost every request an await.
        beforeRetry: [
          (error) => {
            options.onRequest?.((error.options.context as RequestContext).bytes);
            options.onRetry?.(error.response ? `http-${error.response.statusCode}` : (error.code ?? 'network'));
          },
        ],
      },
    });
  }

  async send(body: string | Buffer, deadline: number, options: SendOptions = {}): Promise<TransportResult> {
    const remaining = deadline - Date.now();
    if (this.ledger.isShutDown) return { kind: 'error', reason: 'shutdown', code: 'SHUTDOWN', message: 'exporter was shut down' };
    if (options.work && this.ledger.endedSince(options.work.begun)) return FLUSH_DEADLINE_PASSED;
    if (remaining <= 0) return { kind: 'error', reason: 'deadline', code: 'DEADLINE', message: 'export deadline passed' };
    options.work?.uses(this.ledger);
    const requestContext: RequestContext = { deadline, failures: {}, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length };
    this.options.onRequest?.(requestContext.bytes);
    const cap = this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    // got's own cancel rather than an AbortSignal per request: combining signals (AbortSignal.any, .timeout) costs
    // more than the rest of a small request's work here, and this is the flush path a serverless response waits on.
    const running = new RunningRequest(options.work?.begun ?? nextMoment());
    this.running.add(running);
    // Every attempt, body included, ends by the deadline; an answer past its cap ends it at once.
    // Unref'd, like the AbortSignal.timeout it replaces: the deadline alone must not keep the process alive.
    const timer = setTimeout(() => running.end('deadline'), remaining);
    timer.unref();
    try {
      // The exporter's own HTTP calls must never become spans of the app it is tracing.
      const request = context.with(suppressTracing(context.active()), () =>
        this.client(this.options.url, {
          body,
          context: requestContext,
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.singleAttempt ? { retry: { limit: 0 } } : {}),
        }),
      );
      running.attach(request);
      // `transferred` counts decompressed bytes, so a gzip bomb stops at the same cap; `total` is the announced length.
      request.on('downloadProgress', ({ transferred, total }) => {
        if (transferred > cap || (total ?? 0) > cap) running.end('too-large');
      });
      const response = await request;
      return { kind: 'response', status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      const ended = running.endedBy;
      if (ended === 'shutdown' || ended === 'flush-deadline') return abortedResult(ended, error as RequestError, requestContext.failures.last);
      return this.describeError(error as RequestError, deadline, ended);
    } finally {
      clearTimeout(timer);
      this.running.delete(running);
    }
  }

  /**
   * A flush's deadline passed: ends the work begun before `before` (the moment that flush began): its requests running
   * now and those it has not made yet. Work begun later (exports the flush does not wait for) goes on, and so does the
   * transport.
   */
  abortInFlight(before: number = nextMoment()): void {
    this.ledger.abortBefore(before);
    for (const running of [...this.running]) if (running.begun < before) running.end('flush-deadline');
  }

  /** Aborts requests in flight and closes the sockets. */
  shutdown(): void {
    this.ledger.shutdown();
    for (const running of [...this.running]) running.end('shutdown');
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private describeError(error: RequestError, deadline: number, ended: RunningRequest['endedBy']): TransportResult {
    const code = typeof error?.code === 'string' ? error.code : 'UNKNOWN';
    const message = typeof error?.message === 'string' ? error.message : String(error);
    if (ended === 'too-large') {
      const cap = this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
      return { kind: 'error', reason: 'response-too-large', code: 'RESPONSE_TOO_LARGE', message: `the answer's body passed ${cap} bytes` };
    }
    if (code === HEADER_OVERFLOW_CODE) {
      return { kind: 'error', reason: 'response-too-large', code, message: `the answer's headers passed ${MAX_RESPONSE_HEADER_BYTES} bytes` };
    }
    if (ended === 'deadline' || Date.now() >= deadline) return { kind: 'error', reason: 'deadline', code, message: 'export deadline passed' };
    if (error?.name === 'TimeoutError') return { kind: 'error', reason: 'timeout', code, message };
    return { kind: 'error', reason: 'network', code, message };
  }
}

/** A request of work begun before the latest flush deadline's abort: not sent (and not counted as a request). */
const FLUSH_DEADLINE_PASSED: TransportResult = {
  kind: 'error',
  reason: 'flush-deadline',
  code: 'FLUSH_DEADLINE',
  message: 'not sent: a flush deadline passed after this export began',
};

/** How a failed attempt is named when it turns out to be the last one (see `abortedResult`). */
function failureOf(error: RequestError): { code: string; message: string } {
  return error.response
    ? { code: `HTTP_${error.response.statusCode}`, message: `the server answered ${error.response.statusCode}` }
    : { code: typeof error.code === 'string' ? error.code : 'UNKNOWN', message: error.message };
}

/** One request on its way, and why we ended it, if we did (the first reason wins). */
class RunningRequest {
  endedBy: 'deadline' | 'too-large' | 'shutdown' | 'flush-deadline' | undefined;
  private request: { cancel(): void } | undefined;

  /** `begun`: when the work this request belongs to began (see DeliveryWork). */
  constructor(readonly begun: number) {}

  attach(request: { cancel(): void }): void {
    this.request = request;
    if (this.endedBy) request.cancel();
  }

  end(reason: NonNullable<RunningRequest['endedBy']>): void {
    this.endedBy ??= reason;
    this.request?.cancel();
  }
}

/**
 * A request ended by our own abort. Judged by the facts rather than the error's class (got wraps an aborted signal
 * in more than one way). When an attempt had failed before, that failure is the cause worth reporting.
 */
function abortedResult(reason: 'shutdown' | 'flush-deadline', error: RequestError, lastFailure: RequestContext['failures']['last']): TransportResult {
  const abort = reason === 'shutdown' ? 'aborted by shutdown' : 'aborted at the flush deadline';
  if (lastFailure) return { kind: 'error', reason, code: lastFailure.code, message: `${lastFailure.message}; then ${abort}`, afterFailure: true };
  return { kind: 'error', reason, code: typeof error?.code === 'string' ? error.code : 'ABORTED', message: `no answer yet; ${abort}` };
}
