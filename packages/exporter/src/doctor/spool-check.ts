import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import type { ResolvedExporterConfig } from '../config/exporter-options.js';
import { listSegments } from '../spool/segment-names.js';
import { ok, warn, type LangfuseCheck } from './check-result.js';

/** The spool directory (`spoolDir`): usable, and what waits in it. Undefined when no spool is configured. */
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
  const segments = await listSegments(dir).catch(() => []);
  const locks = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.spool.lock')).length;
  const bytes = segments.reduce((sum, segment) => sum + segment.bytes, 0);
  const state = `spoolDir ${dir}: ${segments.length} segment(s), ${bytes} of ${config.spoolMaxBytes} bytes${locks > 0 ? `, ${locks} being sent by a running exporter` : ''}`;
  if (bytes >= config.spoolMaxBytes) {
    return warn('spool', `${state}: full, new records are dropped`, 'Once Langfuse answers again the spool drains by itself; to send it now: otel-langfuse-replay --spool-dir DIR');
  }
  if (segments.length > 0) {
    return warn('spool', `${state}: records wait to be sent again`, 'They are resent in the background once Langfuse answers; to send them now: otel-langfuse-replay --spool-dir DIR');
  }
  return ok('spool', `${state}: empty`);
}
