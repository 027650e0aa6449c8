import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';

/** This process, as written into its locks: the pid, and a token telling it from an earlier process with the same pid. */
const OWNER = `${process.pid} ${randomBytes(6).toString('hex')}`;

export const lockPathOf = (segmentPath: string): string => `${segmentPath}.lock`;

/** Whether the process named in a lock's text is gone (or is this pid reused by a later process: a restarted container). */
function holderIsGone(text: string): boolean {
  const [pidText, token] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return `${pidText} ${token}` !== OWNER;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes the lock of a segment: a `<segment>.lock` file created exclusively, holding the owner's pid. A lock whose
 * process is gone is taken over: moved aside atomically (one of several contenders wins the rename), checked to be
 * the stale one read (else it is put back: a live owner locked it in between), then created anew. True when held.
 */
export async function acquireSegmentLock(segmentPath: string): Promise<boolean> {
  const lockPath = lockPathOf(segmentPath);
  if (await createLock(lockPath)) return true;
  const seen = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (seen === undefined) return createLock(lockPath);
  if (!holderIsGone(seen)) return false;
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  if (!(await rename(lockPath, aside).then(() => true, () => false))) return false;
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== seen) {
    await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return createLock(lockPath);
}

async function createLock(lockPath: string): Promise<boolean> {
  try {
    await writeFile(lockPath, `${OWNER}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

/** Whether a segment is locked, and by a live process or one that is gone (a stale lock). Never throws. */
export async function lockStateOf(segmentPath: string): Promise<'none' | 'live' | 'gone'> {
  const text = await readFile(lockPathOf(segmentPath), 'utf8').catch(() => undefined);
  if (text === undefined) return 'none';
  return holderIsGone(text) ? 'gone' : 'live';
}

/** Gives a lock up (only one this process holds). Never throws. */
export async function releaseSegmentLock(segmentPath: string): Promise<void> {
  const lockPath = lockPathOf(segmentPath);
  const text = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (text?.trim() === OWNER) await unlink(lockPath).catch(() => undefined);
}
