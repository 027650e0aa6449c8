import { diag, type DiagLogger } from '@opentelemetry/api';
import { LOG_NAMESPACE } from './version.js';

type Level = 'error' | 'warn' | 'info' | 'debug';

const logger: DiagLogger = diag.createComponentLogger({ namespace: LOG_NAMESPACE });
const said = new Set<string>();

/**
 * The facade's diagnostics, through OTel `diag` (the host app decides what is printed). Problems that can repeat
 * on every call are logged once per code; the set of codes is small and fixed.
 */
export const log = {
  error: (message: string): void => logger.error(message),
  warn: (message: string): void => logger.warn(message),
  info: (message: string): void => logger.info(message),
  debug: (message: string): void => logger.debug(message),
  once(level: Level, code: string, message: string): void {
    if (said.has(code)) return;
    said.add(code);
    logger[level](message);
  },
};

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
