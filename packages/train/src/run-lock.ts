import { readFileSync, unlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';

export const LOCK_FILE = 'lock';

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export interface RunLock {
  path: string;
  release(): void;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeOwner(path: string): string {
  let owner: LockOwner;
  try {
    owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return `${path} exists but is unreadable; if no process writes this run, remove it (rm ${path})`;
  }
  const who = `process ${owner.pid} on ${owner.host} (started ${owner.started})`;
  if (owner.host !== hostname()) {
    return `it is locked by ${who}; if that process no longer runs, remove the lock (rm ${path})`;
  }
  if (!isRunning(owner.pid)) {
    return `it holds a stale lock of ${who}, which is no longer running (it was killed before it could clean up); if no other process writes this run, remove the lock (rm ${path}, or pass --break-stale-lock) and run again`;
  }
  return `${who} is writing it; wait for it to finish or stop it (kill ${owner.pid}): two processes must not write one run directory`;
}

/** The lock's owner when it is a process on this host that no longer runs, else undefined. */
function staleOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return owner.host === hostname() && !isRunning(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Locks a run directory for writing: `<run>/lock` created exclusively, holding pid and host.
 * A lock that exists is not taken over; the error says whose it is and, for a dead process's
 * lock, how to clear it. `breakStale` (the user's explicit `--break-stale-lock`) removes a lock
 * whose process is known to be gone (same host, pid not running), and only such a lock.
 */
export async function lockRunDirectory(runDirectory: string, options: { breakStale?: boolean } = {}): Promise<RunLock> {
  const path = join(runDirectory, LOCK_FILE);
  if (options.breakStale && staleOwner(path)) unlinkSync(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw usageError(`cannot write the run ${runDirectory}: ${describeOwner(path)}`);
    throw error;
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  await handle.writeFile(JSON.stringify(owner));
  await handle.close();
  // Released on every exit this process gets to see (not SIGKILL: that is the stale case).
  const onExit = () => release();
  process.once('exit', onExit);
  let released = false;
  function release(): void {
    if (released) return;
    released = true;
    process.off('exit', onExit);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  return { path, release };
}
