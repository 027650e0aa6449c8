import { readFile, unlink } from 'node:fs/promises';
import { parseDeadLetterLine, type DeadLetterRecord } from '../losses/dead-letter-record.js';
import { acquireSegmentLock, releaseSegmentLock } from './segment-lock.js';
import { listSegments } from './segment-names.js';
import { splitSegment } from './spool-record.js';

export interface LockedSegment {
  path: string;
  /** Valid records, in order. */
  records: DeadLetterRecord[];
  /** Lines that were torn, failed their checksum or were no record. */
  invalid: number;
  /** Deletes the segment (once all its records were answered for good). */
  remove(): Promise<void>;
}

/**
 * Each segment of a spool directory that no process holds, oldest first, locked while the caller works on it (the
 * lock is released when the caller asks for the next one or stops). For draining a spool by hand.
 */
export async function* lockedSegments(dir: string): AsyncGenerator<LockedSegment> {
  for (const segment of await listSegments(dir)) {
    if (!(await acquireSegmentLock(segment.path))) continue;
    try {
      const text = await readFile(segment.path, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const { records: lines, corrupt } = splitSegment(text);
      const records: DeadLetterRecord[] = [];
      let invalid = corrupt;
      for (const line of lines) {
        const record = parseDeadLetterLine(line);
        if ('invalid' in record) invalid++;
        else records.push(record);
      }
      yield { path: segment.path, records, invalid, remove: () => unlink(segment.path).catch(() => undefined) };
    } finally {
      await releaseSegmentLock(segment.path);
    }
  }
}
