import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { lockStateOf } from './segment-lock.js';
import { listSegments } from './segment-names.js';
import { unframeRecord } from './spool-record.js';

/** What a spool directory holds now, as the doctor reports it. */
export interface SpoolState {
  segments: number;
  bytes: number;
  /** Records waiting to be sent (valid: their checksum matches). */
  records: number;
  /** Lines that are torn or fail their checksum (skipped when sent). */
  corrupt: number;
  /** Segments locked by a live process: being written or sent by a running exporter (or a replay). */
  lockedByLive: number;
  /** Segments whose lock names a process that is gone: the next exporter on the directory takes them over. */
  lockedByGone: number;
}

/**
 * Reads a spool directory without changing it: its segments, their records (streamed line by line, so memory stays
 * small whatever the spool's size) and their locks. Never throws: what cannot be read counts as absent.
 */
export async function readSpoolState(dir: string): Promise<SpoolState> {
  const state: SpoolState = { segments: 0, bytes: 0, records: 0, corrupt: 0, lockedByLive: 0, lockedByGone: 0 };
  for (const segment of await listSegments(dir).catch(() => [])) {
    state.segments++;
    state.bytes += segment.bytes;
    const lock = await lockStateOf(segment.path);
    if (lock === 'live') state.lockedByLive++;
    else if (lock === 'gone') state.lockedByGone++;
    await countRecords(segment.path, state);
  }
  return state;
}

async function countRecords(path: string, state: SpoolState): Promise<void> {
  const input = createReadStream(path, { encoding: 'utf8' });
  input.on('error', () => undefined);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === '') continue;
      if (unframeRecord(line) === undefined) state.corrupt++;
      else state.records++;
    }
  } catch {
    // removed or unreadable meanwhile (a drainer finished it): what was counted stays
  } finally {
    lines.close();
    input.destroy();
  }
}
