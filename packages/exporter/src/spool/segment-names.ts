import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SUFFIX = '.spool';
let sequence = 0;

/**
 * A new segment's file name: creation time, pid and a sequence, so names sort in the order segments were begun
 * (across processes to the millisecond) and no two processes ever pick the same one.
 */
export function newSegmentName(now = Date.now()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `seg-${String(now).padStart(15, '0')}-${process.pid}-${String(sequence).padStart(6, '0')}${SUFFIX}`;
}

export interface SegmentFile {
  path: string;
  bytes: number;
}

/** The segments in a directory, oldest first, with their sizes (a file removed meanwhile is left out). */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = (await readdir(dir)).filter((name) => name.startsWith('seg-') && name.endsWith(SUFFIX)).sort();
  const files: SegmentFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) files.push({ path, bytes: info.size });
  }
  return files;
}
