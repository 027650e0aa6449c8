import type { ExportPolicy } from './export-policy.js';

export interface ExportPolicyOptions {
  /** Which spans are sent; default `'llm'`. See {@link ExportPolicy}. */
  policy?: ExportPolicy;
  /**
   * Ended spans held back while one of their ancestors is still open, over all traces. Above it, the oldest trace
   * segments are sent at once with the decisions known then (never dropped silently: see `forcedOut`).
   * Default 10 000.
   */
  maxBufferedSpans?: number;
  /**
   * Spans tracked at once (open and held); above it, the oldest trace segments are sent as above. Also the number
   * of dropped spans remembered after their segment was sent, for children that start late. Default 20 000.
   */
  maxTrackedSpans?: number;
  /**
   * A trace segment (the spans under one local root) still incomplete this long after its root started is sent
   * with the decisions known then, so a span that never ends holds nothing back for longer. Checked on span
   * activity (no timer). Default 300 000 (5 minutes).
   */
  maxTraceAgeMs?: number;
}

export interface ExportPolicyStats {
  /** Spans passed on to the inner processor. */
  kept: number;
  /** Spans the policy dropped. */
  filtered: number;
  /** Kept spans passed on with another parent than they were created with (their parent was dropped). */
  reparented: number;
  /** Ended spans decided (sent or filtered) before all their ancestors had ended: memory or age cap, forceFlush, shutdown. */
  forcedOut: number;
  /** Trace segments sent early because of `maxBufferedSpans`, `maxTrackedSpans` or `maxTraceAgeMs`. */
  segmentsEvicted: number;
  /** Predicate calls that threw (those spans were kept). */
  predicateErrors: number;
  /** Ended spans held now. */
  buffered: number;
  /** Spans tracked now (open and held). */
  tracked: number;
}

export const EXPORT_POLICY_DEFAULTS = {
  maxBufferedSpans: 10_000,
  maxTrackedSpans: 20_000,
  maxTraceAgeMs: 300_000,
} as const;

export type ResolvedLimits = { -readonly [K in keyof typeof EXPORT_POLICY_DEFAULTS]: number };

/** The numeric options, each a number >= 1 or its default (with a warning through `warn`). */
export function resolveLimits(options: ExportPolicyOptions, warn: (message: string) => void): ResolvedLimits {
  const limits = { ...EXPORT_POLICY_DEFAULTS } as ResolvedLimits;
  for (const name of Object.keys(EXPORT_POLICY_DEFAULTS) as (keyof ResolvedLimits)[]) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 1)) {
      warn(`export policy option ${name} must be a number >= 1; using the default ${EXPORT_POLICY_DEFAULTS[name]}`);
      continue;
    }
    limits[name] = Math.floor(value);
  }
  return limits;
}
