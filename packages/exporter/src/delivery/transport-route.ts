import type { ComponentLogger } from '../diagnostics/component-logger.js';
import type { TransportSetting } from '../config/exporter-options.js';

export type Path = 'ingestion' | 'otlp';

/** Langfuse Cloud removed the legacy ingestion path for traces on 2026-11-16: its hosts go straight to OTLP. */
export function isLangfuseCloud(baseUrl: string): boolean {
  try {
    return /(^|\.)cloud\.langfuse\.com$/.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/** Reasons on one path that mean the server only speaks the other one. */
const SWITCH_REASONS: Record<Path, ReadonlySet<string>> = {
  ingestion: new Set(['event-type-not-accepted', 'http-404', 'http-405']),
  otlp: new Set(['http-404']),
};

/**
 * Which path spans take. Fixed unless the setting is `'auto'`, which starts on OTLP for Langfuse Cloud and on the
 * legacy path elsewhere, and switches at most once each way when the server shows it only speaks the other path.
 * Spans refused for such a reason follow the route: resent on the other path whenever the route points there, even
 * when an earlier refusal (another export in flight, a spool resend) made the switch. The route changes at most
 * twice, and a span is resent only after it changed since the span was sent, so a span is sent at most three times.
 */
export class TransportRoute {
  current: Path;
  private readonly switched = new Set<Path>();

  constructor(
    private readonly setting: TransportSetting,
    baseUrl: string,
    private readonly log: ComponentLogger,
  ) {
    this.current = setting === 'auto' ? (isLangfuseCloud(baseUrl) ? 'otlp' : 'ingestion') : setting;
    if (setting === 'auto') {
      this.log.debug(`transport 'auto' starts on ${this.current === 'otlp' ? 'the OTLP endpoint (Langfuse Cloud)' : 'the legacy ingestion endpoint'}`);
    }
  }

  /** Whether `reason` (an outcome on `path`) says, under `'auto'`, that the server does not take spans there. */
  refusesPath(path: Path, reason: string): boolean {
    return this.setting === 'auto' && SWITCH_REASONS[path].has(reason);
  }

  /** Whether `reason` (an outcome on `path`) should move the route off `path` now: it never moved off it before. */
  shouldSwitch(path: Path, reason: string): boolean {
    return this.refusesPath(path, reason) && !this.switched.has(path);
  }

  /**
   * Whether spans `path` refused for `reason` go to the other path: the route moves off `path` if it never did, then
   * the spans follow it. False when the reason is not about the route, or when the route, having left `path` once,
   * came back to it (the other path was found unusable since): then the refusal is final.
   */
  resendsElsewhere(path: Path, reason: string): boolean {
    if (!this.refusesPath(path, reason)) return false;
    this.switchFrom(path, reason);
    return this.current !== path;
  }

  /**
   * Moves off `path` for the rest of the exporter's life and says why, once per direction: a no-op when the route
   * already left `path` once (it never moves back and forth) or the setting is fixed. Returns the current path.
   */
  switchFrom(path: Path, reason: string): Path {
    if (this.setting !== 'auto' || this.switched.has(path)) return this.current;
    this.switched.add(path);
    if (this.current === path) {
      const next: Path = path === 'ingestion' ? 'otlp' : 'ingestion';
      this.current = next;
      const why =
        path === 'ingestion'
          ? `the server refused traces on the legacy ingestion endpoint (${reason}): it is a Langfuse v4 server or Langfuse Cloud`
          : `the server has no OTLP endpoint (${reason}): it is older than Langfuse 3.22`;
      this.log.once('info', `switch-to-${next}`, `transport 'auto': ${why}; sending spans to the ${next === 'otlp' ? 'OTLP' : 'legacy ingestion'} endpoint from now on, and resending the refused ones there`);
    }
    return this.current;
  }
}
