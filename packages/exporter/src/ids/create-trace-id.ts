import { createHash, randomBytes } from 'node:crypto';
import { INVALID_TRACEID } from '@opentelemetry/api';

/**
 * A W3C trace id (32 lowercase hex characters), as Langfuse's SDKs make it: with a non-empty `seed`, the first 32 hex
 * characters of the SHA-256 of the seed's UTF-8 bytes, so the same seed gives the same id in every language (e.g. to
 * attach scores from another system to the trace of an external id); without one (or with `''`), a random id.
 * Synchronous here (Langfuse's JS SDK returns a Promise); `await createTraceId(seed)` works the same.
 */
export function createTraceId(seed?: string): string {
  if (typeof seed === 'string' && seed !== '') return createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 32);
  let id: string;
  do id = randomBytes(16).toString('hex');
  while (id === INVALID_TRACEID);
  return id;
}
