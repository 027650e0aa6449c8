import { ComponentLogger } from '@otel-langfuse/exporter/internal';
import { LOG_NAMESPACE } from './version.js';

/**
 * The facade's diagnostics: OTel `diag` when the host app set a logger, else stderr by `LANGFUSE_LOG_LEVEL` (see the
 * exporter's ComponentLogger). Problems that can repeat on every call are logged once per code; the set of codes is
 * small and fixed.
 */
export const log: Pick<ComponentLogger, 'error' | 'warn' | 'info' | 'debug' | 'once'> = new ComponentLogger(LOG_NAMESPACE);

/** A short description of a caught value for a log line; never throws. */
export function describeCaught(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`.slice(0, 300);
    return typeof error === 'string' ? error.slice(0, 300) : typeof error;
  } catch {
    return 'an unreadable error';
  }
}

/** `describeCaught` for what processors and providers reject with: an error or (a provider) an array of them. */
export function describeFailure(error: unknown): string {
  try {
    if (Array.isArray(error)) return error.slice(0, 10).map(describeCaught).join('; ');
  } catch {
    // a revoked Proxy: described below
  }
  return describeCaught(error);
}
