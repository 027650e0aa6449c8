import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { ResolvedExporterConfig } from '../config/exporter-options.js';
import { readSpoolState, type SpoolState } from '../spool/spool-state.js';
import { ok, warn, type LangfuseCheck } from './check-result.js';

const SEND_NOW = 'to send them now: otel-langfuse-replay --spool-dir DIR';

/**
 * The spool directory (`spoolDir`): usable, and what waits in it: segments, bytes against `spoolMaxBytes`, records
 * (and corrupt lines), segments locked by a running exporter and stale locks left by a process that is gone.
 * Undefined when no spool is configured.
 */
export async function checkSpool(config: ResolvedExporterConfig): Promise<LangfuseCheck | undefined> {
  const dir = config.spoolDir;
  if (dir === undefined) return undefined;
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return ok('spool', `spoolDir ${dir} does not exist yet: the exporter creates it when it starts`);
  if (!info.isDirectory()) return warn('spool', `spoolDir ${dir} is not a directory: nothing can be spooled`, 'Point spoolDir (LANGFUSE_SPOOL_DIR) at a directory');
  try {
    await access(dir, constants.W_OK | constants.R_OK);
  } catch {
    return warn('spool', `spoolDir ${dir} is not readable and writable by this process: nothing can be spooled`, 'Give the process read and write access to the directory, or choose another spoolDir');
  }
  const state = await readSpoolState(dir);
  const summary = `spoolDir ${dir}: ${describeState(state, config.spoolMaxBytes)}`;
  if (state.bytes >= config.spoolMaxBytes) {
    return warn('spool', `${summary}; full, new records are dropped`, `Once Langfuse answers again the spool drains by itself; ${SEND_NOW}`);
  }
  if (state.segments > 0) {
    const stale = state.lockedByGone > 0 ? '; stale locks are taken over by the next exporter started on the directory' : '';
    return warn('spool', `${summary}; records wait to be sent again`, `They are resent in the background once Langfuse answers${stale}; ${SEND_NOW}`);
  }
  return ok('spool', `${summary}; empty`);
}

function describeState(state: SpoolState, maxBytes: number): string {
  const parts = [`${state.segments} segment(s)`, `${state.bytes} of ${maxBytes} bytes`, `${state.records} record(s) pending`];
  if (state.corrupt > 0) parts.push(`${state.corrupt} corrupt line(s) to be skipped`);
  if (state.lockedByLive > 0) parts.push(`${state.lockedByLive} segment(s) locked by a running process (being written or sent)`);
  if (state.lockedByGone > 0) parts.push(`${state.lockedByGone} segment(s) locked by a process that is gone`);
  return parts.join(', ');
}
