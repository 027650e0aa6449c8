import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiKeys {
  publicKey: string;
  secretKey: string;
}

export type AuthResult = { ok: true } | { ok: false; message: string };

// Messages are fixed strings: nothing from the request or the configured keys is ever echoed.
export function checkBasicAuth(header: string | undefined, keys: ApiKeys): AuthResult {
  if (header === undefined || header.trim() === '') {
    return { ok: false, message: 'No authorization header provided' };
  }
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    return {
      ok: false,
      message: 'Invalid authorization header: the ingestion API needs Basic auth with the public and secret key',
    };
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const publicKey = colon === -1 ? decoded : decoded.slice(0, colon);
  const secretKey = colon === -1 ? '' : decoded.slice(colon + 1);
  // Evaluate both comparisons so timing does not reveal which key was wrong.
  const publicOk = sameSecret(publicKey, keys.publicKey);
  const secretOk = sameSecret(secretKey, keys.secretKey);
  if (publicOk && secretOk) return { ok: true };
  return { ok: false, message: 'Invalid credentials. Confirm that you have configured the correct public and secret key' };
}

/** Compares a secret in constant time (both hashed first, so lengths do not show either). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
