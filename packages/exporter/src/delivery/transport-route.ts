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

  /** Whether `reason` (an outcome on `path`) means the spans should go to the other path instead. */
  shouldSwitch(path: Path, reason: string): boolean {
    return this.setting === 'auto' && !this.switched.has(path) && SWITCH_REASONS[path].has(reason);
  }

  /** Moves to the other path for the rest of the exporter's life and says why, once per direction. */
  switchFrom(path: Path, reason: string): Path {
    const next: Path = path === 'ingestion' ? 'otlp' : 'ingestion';
    this.switched.add(path);
    if (this.current === path) {
      this.current = next;
      const why =
        path === 'ingestion'
          ? `the server refused traces on the legacy ingestion endpoint (${reason}): it is a Langfuse v4 server or Langfuse Cloud`
          : `the server has no OTLP endpoint (${reason}): it is older than Langfuse 3.22`;
      this.log.once('info', `switch-to-${next}`, `transport 'auto': ${why}; sending spans to the ${next === 'otlp' ? 'OTLP' : 'legacy ingestion'} endpoint from now on, and resending the refused ones there`);
    }
    return next;
  }
}
