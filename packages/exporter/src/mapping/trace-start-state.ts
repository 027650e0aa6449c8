import type { HrTime, TraceState } from '@opentelemetry/api';

/**
 * The W3C `tracestate` entry that carries a trace's start across batches and processes: key `langfuse`, value a
 * `;`-separated list of `name:value` pairs, of which `ts` is the root span's start in milliseconds since the epoch
 * (e.g. `langfuse=ts:1767225600000`). Whoever starts the trace root writes it (the tracing package's sampler);
 * child spans and callees in other services inherit it with the span context.
 */
export const TRACE_STATE_KEY = 'langfuse';
const START_FIELD = 'ts';
/** Older than this before the span's start: not a start time of this trace (a stale or forged entry). */
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const DIGITS = /^\d{1,16}$/;

/** The `tracestate` value that says a trace started at `startMs`. */
export function traceStateValue(startMs: number): string {
  return `${START_FIELD}:${Math.trunc(startMs)}`;
}

/**
 * The trace's start from the span's `tracestate`, when it is there and plausible: not after the span's own start
 * (a caller's clock ahead of this one) and not days before it. Undefined otherwise.
 */
export function traceStartFromState(traceState: TraceState | undefined, spanStart: HrTime): HrTime | undefined {
  const value = traceState?.get(TRACE_STATE_KEY);
  if (value === undefined) return undefined;
  for (const pair of value.split(';')) {
    const separator = pair.indexOf(':');
    if (separator < 0 || pair.slice(0, separator) !== START_FIELD) continue;
    const text = pair.slice(separator + 1);
    if (!DIGITS.test(text)) return undefined;
    const startMs = Number(text);
    const spanStartMs = spanStart[0] * 1000 + spanStart[1] / 1e6;
    if (startMs > spanStartMs || spanStartMs - startMs > MAX_AGE_MS) return undefined;
    return [Math.floor(startMs / 1000), (startMs % 1000) * 1_000_000];
  }
  return undefined;
}
