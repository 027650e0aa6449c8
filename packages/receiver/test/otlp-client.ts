import { gzipSync } from 'node:zlib';
import type { Receiver } from '../src/index.js';
import { basicAuth } from './ingestion-client.js';

export const OTLP = '/api/public/otel/v1/traces';

export interface OtlpPostOptions {
  /** Sets the content type; default 'protobuf'. */
  format?: 'protobuf' | 'json';
  gzip?: boolean;
  /** Default '4'; null leaves the header out. */
  ingestionVersion?: string | null;
  /** Added last, so they override the defaults (e.g. authorization). */
  headers?: Record<string, string>;
}

/** Posts an OTLP body (a string is sent as UTF-8) with valid credentials unless overridden. */
export function postOtlp(
  receiver: Pick<Receiver, 'url' | 'publicKey' | 'secretKey'>,
  body: Uint8Array | string,
  options: OtlpPostOptions = {},
): Promise<Response> {
  const format = options.format ?? 'protobuf';
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = {
    authorization: basicAuth(receiver.publicKey, receiver.secretKey),
    'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf',
  };
  if (options.gzip) headers['content-encoding'] = 'gzip';
  const version = options.ingestionVersion === undefined ? '4' : options.ingestionVersion;
  if (version !== null) headers['x-langfuse-ingestion-version'] = version;
  return fetch(`${receiver.url}${OTLP}`, {
    method: 'POST',
    headers: { ...headers, ...options.headers },
    body: options.gzip ? gzipSync(raw) : raw,
  });
}

/** Posts and expects 200; returns the response body bytes. */
export async function exportOtlp(
  receiver: Pick<Receiver, 'url' | 'publicKey' | 'secretKey'>,
  body: Uint8Array | string,
  options: OtlpPostOptions = {},
): Promise<Uint8Array> {
  const response = await postOtlp(receiver, body, options);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${Buffer.from(bytes).toString()}`);
  return bytes;
}
