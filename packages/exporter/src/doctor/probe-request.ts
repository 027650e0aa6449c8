import type { IncomingHttpHeaders } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import got, { type RequestError } from 'got';
import type { NetworkConfig } from '../config/network-config.js';
import { createAgents } from '../delivery/http/agents.js';
import { MAX_RESPONSE_HEADER_BYTES } from '../delivery/http/response-limits.js';

/** The doctor reads small JSON answers only: a larger one is cut off here. */
const MAX_PROBE_BODY_BYTES = 64 * 1024;

export interface ProbeRequest {
  url: URL;
  method: 'GET' | 'POST';
  /** Basic auth; omitted for an unauthenticated probe. */
  auth?: { username: string; password: string };
  headers: Record<string, string>;
  body?: string;
  network: NetworkConfig;
  timeoutMs: number;
}

export type ProbeResult =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: string; sentAt: number; answeredAt: number }
  | { kind: 'error'; code: string; message: string; timedOut: boolean };

/**
 * One request, no retry, no redirect (it would carry the credentials elsewhere), through the same agents (proxy, CAs)
 * as the exporter's deliveries, ended by `timeoutMs` whatever the server does; the answer is capped like theirs.
 * Never throws; the error message never holds the credentials (got does not put them in its messages).
 */
export async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const agents = createAgents(request.url, request.network, 1);
  const tooLarge = new AbortController();
  const signal = AbortSignal.any([AbortSignal.timeout(request.timeoutMs), tooLarge.signal]);
  const sentAt = Date.now();
  try {
    const pending = context.with(suppressTracing(context.active()), () =>
      got(request.url, {
        method: request.method,
        ...(request.auth ?? {}),
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        throwHttpErrors: false,
        followRedirect: false,
        retry: { limit: 0 },
        maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
        agent: agents,
        signal,
      }),
    );
    pending.on('downloadProgress', ({ transferred, total }) => {
      if (transferred > MAX_PROBE_BODY_BYTES || (total ?? 0) > MAX_PROBE_BODY_BYTES) tooLarge.abort();
    });
    const response = await pending;
    return { kind: 'response', status: response.statusCode, headers: response.headers, body: response.body, sentAt, answeredAt: Date.now() };
  } catch (error) {
    const failure = error as RequestError;
    if (tooLarge.signal.aborted) return { kind: 'error', code: 'RESPONSE_TOO_LARGE', message: `the answer passed ${MAX_PROBE_BODY_BYTES} bytes`, timedOut: false };
    const timedOut = signal.aborted;
    const code = typeof failure?.code === 'string' ? failure.code : 'UNKNOWN';
    const message = timedOut ? `no answer within ${request.timeoutMs} ms` : typeof failure?.message === 'string' ? failure.message : String(error);
    return { kind: 'error', code, message, timedOut };
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

