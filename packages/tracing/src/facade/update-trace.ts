import { log } from '../logger.js';
import { tracingIsOn } from './facade-config.js';
import type { OpenObservation } from './open-observation.js';
import { readTraceFields } from './read-fields.js';

/**
 * Explicit trace update from inside a trace (`langfuse.updateTrace`, `observation.updateTrace`): the
 * `langfuse.trace.*` attributes go on the trace's root observation while it is open and on `active`; user,
 * session, tags, metadata, version and environment also go on every observation started later.
 */
export function updateTraceOf(active: OpenObservation | undefined, fields: unknown): void {
  if (active === undefined) {
    if (!tracingIsOn()) return;
    log.once('warn', 'update-trace-outside', 'updateTrace() was called outside of a trace; ignored');
    return;
  }
  const scope = active.scope;
  if (scope === undefined) return; // not recording (sampled out, tracing off)
  const root = scope.root;
  const rootOpen = root?.isRecording === true;
  if (!rootOpen && !active.isRecording) {
    log.once('warn', 'update-trace-ended', 'updateTrace() was called after the observations it could be written on had ended; ignored');
    return;
  }
  const attributes = scope.apply(readTraceFields(fields), active.config?.mask, true);
  if (rootOpen) root!.writeAttributes(attributes);
  if (active !== root) active.writeAttributes(attributes);
}
