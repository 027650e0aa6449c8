import type { Receiver } from '../src/index.js';

export const INGESTION = '/api/public/ingestion';

export function basicAuth(publicKey = 'pk-lf-local', secretKey = 'sk-lf-local'): string {
  return `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}`;
}

export interface IngestionResult {
  id: string;
  status: number;
  message?: string;
  error?: unknown;
}

export interface IngestionReply {
  successes: IngestionResult[];
  errors: IngestionResult[];
}

/** Posts a batch with valid credentials (unless headers override them) and returns the raw response. */
export function postBatch(
  receiver: Pick<Receiver, 'url' | 'publicKey' | 'secretKey'>,
  batch: unknown[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${receiver.url}${INGESTION}`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(receiver.publicKey, receiver.secretKey),
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ batch }),
  });
}

/** Posts a batch, expects 207 and returns the parsed answer. */
export async function ingest(
  receiver: Pick<Receiver, 'url' | 'publicKey' | 'secretKey'>,
  batch: unknown[],
): Promise<IngestionReply> {
  const response = await postBatch(receiver, batch);
  if (response.status !== 207) throw new Error(`expected 207, got ${response.status}: ${await response.text()}`);
  return (await response.json()) as IngestionReply;
}

export function postRaw(receiver: Pick<Receiver, 'url'>, body: string | Uint8Array, headers: Record<string, string>) {
  return fetch(`${receiver.url}${INGESTION}`, { method: 'POST', headers, body });
}
