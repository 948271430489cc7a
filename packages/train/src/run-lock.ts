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
    return `it holds a stale lock of ${who}, which is no longer running (it was killed before it could clean up); if no other process writes this run, remove the lock (rm ${path}) and run again`;
  }
  return `${who} is writing it; wait for it to finish or stop it (kill ${owner.pid}): two processes must not write one run directory`;
}

/**
 * Locks a run directory for writing: `<run>/lock` created exclusively, holding pid and host.
 * A lock that exists is never taken over; the error says whose it is and, for a dead
 * process's lock, how to clear it.
 */
export async function lockRunDirectory(runDirectory: string): Promise<RunLock> {
  const path = join(runDirectory, LOCK_FILE);
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
