import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { describeCaught, log } from '../logger.js';

/** An object with case-insensitive `get`/`set`, like fetch's `Headers`. */
export interface HeadersLike {
  get(name: string): string | null | undefined;
  set(name: string, value: string): void;
}

/**
 * Where trace context travels: fetch `Headers`, Node's `IncomingHttpHeaders` / `OutgoingHttpHeaders`, a `Map`,
 * or any plain string map (job payloads, message headers). Header names match in any casing.
 */
export type TraceCarrier = HeadersLike | Map<string, unknown> | Record<string, unknown>;

/** Longer values are ignored: the W3C limits for tracestate and baggage, and a generous one for traceparent. */
const MAX_LENGTH: Readonly<Record<string, number>> = { traceparent: 512, tracestate: 512, baggage: 8192 };
const DEFAULT_MAX_LENGTH = 8192;
/** Carriers with more keys than this are not scanned for other casings of a name. */
const MAX_SCANNED_KEYS = 1_000;

function isHeadersLike(carrier: object): carrier is HeadersLike {
  return typeof (carrier as HeadersLike).get === 'function' && typeof (carrier as HeadersLike).set === 'function';
}

function matchingKeys(keys: Iterable<unknown>, lowerName: string): string[] {
  const found: string[] = [];
  let scanned = 0;
  for (const key of keys) {
    if (++scanned > MAX_SCANNED_KEYS) break;
    if (typeof key === 'string' && key.length === lowerName.length && key.toLowerCase() === lowerName) found.push(key);
  }
  return found;
}

function readRaw(carrier: unknown, name: string): unknown {
  if (typeof carrier !== 'object' || carrier === null) return undefined;
  if (carrier instanceof Map) {
    if (carrier.has(name)) return carrier.get(name);
    const [key] = matchingKeys(carrier.keys(), name);
    return key === undefined ? undefined : carrier.get(key);
  }
  if (isHeadersLike(carrier)) return carrier.get(name);
  const record = carrier as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, name)) return record[name];
  const [key] = matchingKeys(Object.keys(record), name);
  return key === undefined ? undefined : record[key];
}

const utf8 = new TextDecoder();

/** A string, or bytes (Kafka and other message headers: `Buffer`, `Uint8Array`) decoded as UTF-8 when short enough. */
function textOf(item: unknown, maxLength: number): string | undefined {
  if (typeof item === 'string') return item;
  if (item instanceof Uint8Array && item.byteLength <= maxLength) return utf8.decode(item);
  return undefined;
}

/** A header value as the propagators expect it, or undefined for anything unusable. */
function normalize(raw: unknown, name: string): string | undefined {
  const maxLength = MAX_LENGTH[name] ?? DEFAULT_MAX_LENGTH;
  let value: string | undefined;
  if (Array.isArray(raw)) {
    const texts = raw
      .slice(0, 32)
      .map((item) => textOf(item, maxLength))
      .filter((item): item is string => item !== undefined);
    // Repeated traceparent headers: the first counts. Repeated tracestate/baggage headers are one list.
    value = name === 'traceparent' ? texts[0] : texts.join(',');
  } else {
    value = textOf(raw, maxLength);
  }
  if (value === undefined || value === '') return undefined;
  if (value.length > maxLength) return undefined;
  if (name === 'traceparent') return firstTraceparent(value);
  return value;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?$/i;

/**
 * One traceparent: a client that sent two (an app's own plus a fetch instrumentation's) arrives as one
 * comma-joined value, which no W3C parser accepts; the first usable one counts, as for repeated headers.
 */
function firstTraceparent(value: string): string | undefined {
  const candidates = value.includes(',') ? value.split(',', 8) : [value];
  for (const candidate of candidates) {
    const trimmed = candidate.trim();
    // Version ff is invalid by the W3C spec; OTel's parser would accept it.
    if (trimmed.slice(0, 2).toLowerCase() === 'ff') continue;
    if (candidates.length === 1 || TRACEPARENT.test(trimmed)) return candidates.length === 1 ? value : trimmed;
  }
  return undefined;
}

/** Reads any carrier without throwing (hostile getters, Proxies, numbers, null all give undefined). */
export const carrierGetter: TextMapGetter<unknown> = {
  keys(carrier) {
    try {
      if (typeof carrier !== 'object' || carrier === null) return [];
      if (carrier instanceof Map) return [...carrier.keys()].filter((key): key is string => typeof key === 'string').slice(0, MAX_SCANNED_KEYS);
      if (isHeadersLike(carrier)) return [];
      return Object.keys(carrier).slice(0, MAX_SCANNED_KEYS);
    } catch {
      return [];
    }
  },
  get(carrier, key) {
    try {
      const name = key.toLowerCase();
      return normalize(readRaw(carrier, name), name);
    } catch {
      return undefined;
    }
  },
};

/** Writes lowercase names, replacing a value stored under another casing so the carrier never holds two. */
export const carrierSetter: TextMapSetter<unknown> = {
  set(carrier, key, value) {
    try {
      if (typeof carrier !== 'object' || carrier === null) return;
      const name = key.toLowerCase();
      if (carrier instanceof Map) {
        for (const other of matchingKeys(carrier.keys(), name)) carrier.delete(other);
        carrier.set(name, value);
      } else if (isHeadersLike(carrier)) {
        carrier.set(name, value);
      } else {
        const record = carrier as Record<string, unknown>;
        for (const other of matchingKeys(Object.keys(record), name)) if (other !== name) delete record[other];
        record[name] = value;
      }
    } catch (error) {
      log.once('warn', 'carrier-not-writable', `could not write ${key} into the carrier: ${describeCaught(error)}`);
    }
  },
};
