import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { usageError } from '@procrustes/core';

export const LOCK_FILE = 'lock';

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  started: string;
  command: string;
  /** The kernel's boot id when the lock was taken: a lock from before a reboot is stale (Linux). */
  bootId?: string;
  /** The owner's start time in clock ticks since boot: a pid reused by another process is not the owner (Linux). */
  processStart?: string;
  /** The Slurm job (array task) the owner ran as, `<job>_<task>` or `<job>`, when it ran under Slurm. */
  slurmJob?: string;
}

/** This process's Slurm job (array task), and how often Slurm has restarted it (requeues). */
function slurmJob(): { id: string; restarts: number } | undefined {
  const { SLURM_ARRAY_JOB_ID: array, SLURM_ARRAY_TASK_ID: task, SLURM_JOB_ID: job, SLURM_RESTART_COUNT: restarts } = process.env;
  const id = array && task ? `${array}_${task}` : job;
  return id ? { id, restarts: Number(restarts ?? 0) || 0 } : undefined;
}

export interface RunLock {
  path: string;
  /** The lock of a dead process this lock took over (same host, process gone), if any, and how it is known to be dead. */
  tookOver?: { owner: LockOwner; why: string; notice: string };
  release(): void;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

const currentBootId = () => readText('/proc/sys/kernel/random/boot_id');

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where /proc tells. */
function processStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
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

type LockState =
  | { kind: 'alive'; owner: LockOwner }
  | { kind: 'dead'; owner: LockOwner; why: string }
  | { kind: 'other-host'; owner: LockOwner }
  | { kind: 'invalid'; why: string }
  | { kind: 'absent' };

/** Reads a lock and decides whose it is: a live process here, a dead one, another host's, or nothing valid. */
function lockState(path: string): LockState {
  const text = readText(path);
  if (text === undefined) return { kind: 'absent' };
  let owner: LockOwner;
  try {
    owner = JSON.parse(text) as LockOwner;
  } catch {
    return { kind: 'invalid', why: text === '' ? 'is empty' : 'is not JSON' };
  }
  // pid 0, -1 and 1 are never a writer's: kill(0) or kill(-1) would reach other processes.
  if (!owner || typeof owner !== 'object' || !Number.isInteger(owner.pid) || owner.pid <= 1)
    return { kind: 'invalid', why: `names no valid process (pid ${JSON.stringify(owner?.pid)})` };
  if (typeof owner.host !== 'string' || owner.host === '') return { kind: 'invalid', why: 'names no host' };
  if (owner.host !== hostname()) {
    // A requeued Slurm task finds its own earlier run's lock: Slurm ended that run before it started this one.
    const job = slurmJob();
    if (job && owner.slurmJob === job.id && job.restarts > 0) return { kind: 'dead', owner, why: `Slurm requeued its job ${job.id} (restart ${job.restarts}), ending it` };
    return { kind: 'other-host', owner };
  }
  const boot = currentBootId();
  if (owner.bootId && boot && owner.bootId !== boot) return { kind: 'dead', owner, why: 'the machine has restarted since' };
  if (!isRunning(owner.pid)) return { kind: 'dead', owner, why: 'it no longer runs' };
  const start = processStart(owner.pid);
  if (owner.processStart && start && owner.processStart !== start) return { kind: 'dead', owner, why: `pid ${owner.pid} now belongs to another process` };
  return { kind: 'alive', owner };
}

/** Who holds a run's lock, as a reader sees it (a status display): it takes nothing. */
export type RunLockHolder =
  | { state: 'running'; owner: LockOwner }
  | { state: 'gone'; owner: LockOwner; why: string }
  | { state: 'other-host'; owner: LockOwner }
  | { state: 'unreadable'; why: string };

/** The holder of `<run>/lock`, or undefined where the run is not locked. */
export function runLockHolder(runDirectory: string): RunLockHolder | undefined {
  const state = lockState(join(runDirectory, LOCK_FILE));
  switch (state.kind) {
    case 'absent':
      return undefined;
    case 'alive':
      return { state: 'running', owner: state.owner };
    case 'dead':
      return { state: 'gone', owner: state.owner, why: state.why };
    case 'other-host':
      return { state: 'other-host', owner: state.owner };
    case 'invalid':
      return { state: 'unreadable', why: state.why };
  }
}

const describe = (owner: LockOwner) => `process ${owner.pid} on ${owner.host} (started ${owner.started})`;

/** Writes a lock whole or not at all: written beside, then linked into place (link fails if a lock exists). */
async function createLock(path: string, owner: LockOwner): Promise<boolean> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(JSON.stringify(owner));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
    throw usageError(`cannot lock the run ${dirname(path)} (${reason}); nothing was written: free space or fix the permissions, and run again`);
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/**
 * Removes the drafts (`lock.<pid>.tmp`) and the takeover mutex that processes killed while
 * writing a lock left behind; those of a process still running (one racing for the lock now)
 * are kept.
 */
function removeDeadLockDrafts(runDirectory: string): void {
  // A takeover's mutex left by a killed process goes too (it holds that process's pid).
  const mutex = join(runDirectory, `${LOCK_FILE}.takeover`);
  const holder = Number(readText(mutex));
  if (readText(mutex) !== undefined && !(Number.isInteger(holder) && holder > 1 && holder !== process.pid && isRunning(holder))) {
    try {
      unlinkSync(mutex);
    } catch {
      // removed meanwhile
    }
  }
  for (const name of readdirSync(runDirectory)) {
    const pid = Number(/^lock\.(\d+)\.tmp$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || (pid > 1 && isRunning(pid))) continue;
    try {
      unlinkSync(join(runDirectory, name));
    } catch {
      // removed by another process meanwhile
    }
  }
}

/**
 * Replaces a lock that `expected` (its text) still holds, one process at a time: a second
 * process that found the same dead lock waits its turn and then finds it taken.
 */
async function replaceLock(path: string, expected: string, owner: LockOwner): Promise<boolean> {
  const mutex = `${path}.takeover`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(mutex, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readText(mutex));
    if (Number.isInteger(holder) && holder > 1 && isRunning(holder)) return false; // another process is taking it over
    await unlink(mutex).catch(() => {});
    return replaceLock(path, expected, owner);
  }
  try {
    await handle.writeFile(String(process.pid));
    await handle.close();
    if (readText(path) !== expected) return false;
    await unlink(path).catch(() => {});
    return await createLock(path, owner);
  } finally {
    await unlink(mutex).catch(() => {});
  }
}

/**
 * Locks a run directory for writing: `<run>/lock`, created whole (never empty) and exclusively,
 * holding pid, host, boot id and process start time. The lock of a process of this host that
 * is gone (not running, its pid reused by another process, or the machine restarted) is taken
 * over and reported in `tookOver`, so a run killed with SIGKILL resumes by itself. A lock held by
 * a live process is never taken. A lock of another host (which cannot be checked from here) or
 * an unreadable one is refused, saying how to clear it; `breakStale` (the user's explicit
 * `--break-stale-lock`) removes such a lock.
 */
export async function lockRunDirectory(runDirectory: string, options: { breakStale?: boolean } = {}): Promise<RunLock> {
  const path = join(runDirectory, LOCK_FILE);
  const bootId = currentBootId();
  const start = processStart(process.pid);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    ...(bootId ? { bootId } : {}),
    ...(start ? { processStart: start } : {}),
    ...(slurmJob() ? { slurmJob: slurmJob()!.id } : {}),
  };
  let tookOver: RunLock['tookOver'];
  for (let attempt = 0; ; attempt++) {
    if (await createLock(path, owner)) break;
    const state = lockState(path);
    const text = readText(path);
    if (state.kind === 'absent') continue; // released meanwhile
    if (attempt >= 3) throw usageError(`cannot write the run ${runDirectory}: other processes are taking its lock (${path}); try again`);
    if (state.kind === 'alive')
      throw usageError(
        `cannot write the run ${runDirectory}: ${describe(state.owner)} is writing it; wait for it to finish or stop it (kill ${state.owner.pid}): two processes must not write one run directory`,
      );
    if (state.kind === 'dead') {
      if (text !== undefined && (await replaceLock(path, text, owner))) {
        tookOver = { owner: state.owner, why: state.why, notice: `took over the lock of ${describe(state.owner)}: ${state.why}` };
        break;
      }
      continue;
    }
    const clear = `if no process writes this run, remove it (rm ${path}) or pass --break-stale-lock`;
    if (!options.breakStale) {
      if (state.kind === 'other-host')
        throw usageError(`cannot write the run ${runDirectory}: it is locked by ${describe(state.owner)}, another host, which cannot be checked from here; ${clear}`);
      throw usageError(`cannot write the run ${runDirectory}: its lock ${path} ${state.why}; ${clear}`);
    }
    if (text !== undefined && (await replaceLock(path, text, owner))) break;
  }
  removeDeadLockDrafts(runDirectory);
  // Released on every exit this process gets to see (not SIGKILL: the next writer takes that lock over).
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
  return { path, tookOver, release };
}
