import type { HrTime } from '@opentelemetry/api';

export type HrTimeFormatter = (time: HrTime) => string;

const EPOCH_PREFIX = '1970-01-01T00:00:00.';
// Date's range is ±8.64e15 ms.
const MAX_SECONDS = 8.64e12;

function isoPrefix(seconds: number): string {
  return Math.abs(seconds) <= MAX_SECONDS ? new Date(seconds * 1000).toISOString().slice(0, -4) : EPOCH_PREFIX;
}

/**
 * Formats an OTel HrTime as ISO 8601 UTC with microseconds (`2024-05-01T12:00:00.123456Z`).
 * Only the `YYYY-MM-DDTHH:mm:ss.` prefix needs a Date; it is cached for the last two seconds seen, so a span
 * whose start and end fall in different seconds (and the next spans of a batch) still hit the cache.
 */
export function createHrTimeFormatter(): HrTimeFormatter {
  let secondA = Number.NaN;
  let prefixA = EPOCH_PREFIX;
  let secondB = Number.NaN;
  let prefixB = EPOCH_PREFIX;
  return (time) => {
    let seconds = time[0];
    let nanos = time[1];
    if (!Number.isInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos >= 1e9) {
      // Not what the SDK produces; normalize rather than throw.
      const total = (Number.isFinite(seconds) ? seconds : 0) + (Number.isFinite(nanos) ? nanos : 0) / 1e9;
      seconds = Math.floor(total);
      nanos = Math.round((total - seconds) * 1e9);
      if (nanos >= 1e9) nanos = 999_999_999;
    }
    let prefix: string;
    if (seconds === secondA) prefix = prefixA;
    else if (seconds === secondB) prefix = prefixB;
    else {
      // Evict the older entry: B moves to A's place.
      secondA = secondB;
      prefixA = prefixB;
      secondB = seconds;
      prefixB = prefix = isoPrefix(seconds);
    }
    const micros = Math.floor(nanos / 1000);
    return `${prefix}${micros < 100_000 ? String(micros).padStart(6, '0') : micros}Z`;
  };
}

/** One-off formatting (no cache shared between calls); the mapper uses its own cached formatter. */
export function formatHrTime(time: HrTime): string {
  return createHrTimeFormatter()(time);
}
