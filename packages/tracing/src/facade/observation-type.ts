import { OBSERVATION_TYPES } from '@otel-langfuse/exporter/mapping';
import { log } from '../logger.js';
import type { ObservationType } from './types.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(OBSERVATION_TYPES);

/** The observation type a user's `type` option names; an unknown one is a span, said once. */
export function observationType(value: unknown): ObservationType {
  if (value === undefined) return 'span';
  const type = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (KNOWN_TYPES.has(type)) return type as ObservationType;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 30)) : `(a ${typeof value})`;
  log.once('warn', 'observation-type-invalid', `unknown observation type ${shown}; using span`);
  return 'span';
}
