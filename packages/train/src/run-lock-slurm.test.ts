import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockRunDirectory, LOCK_FILE } from './run-lock.js';

const directory = mkdtempSync(join(tmpdir(), 'run-lock-slurm-'));
const saved = { ...process.env };
afterEach(() => {
  for (const key of ['SLURM_ARRAY_JOB_ID', 'SLURM_ARRAY_TASK_ID', 'SLURM_JOB_ID', 'SLURM_RESTART_COUNT']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  rmSync(join(directory, LOCK_FILE), { force: true });
});

/** A lock left on another node by a Slurm array task that was killed there. */
const leaveLock = (slurmJob: string) =>
  writeFileSync(join(directory, LOCK_FILE), JSON.stringify({ pid: 4242, host: 'node-elsewhere', started: '2026-12-05T00:00:00Z', command: 'x', slurmJob }));

describe('run locks under Slurm', () => {
  it("a requeued array task takes over its own earlier run's lock from another node, with a notice", async () => {
    Object.assign(process.env, { SLURM_ARRAY_JOB_ID: '77', SLURM_ARRAY_TASK_ID: '1', SLURM_JOB_ID: '79', SLURM_RESTART_COUNT: '1' });
    leaveLock('77_1');
    const lock = await lockRunDirectory(directory);
    expect(lock.tookOver?.notice).toMatch(/took over the lock of process 4242 on node-elsewhere .*: Slurm requeued its job 77_1 \(restart 1\)/);
    lock.release();
  });

  it('refuses the lock of another task, and its own task before any requeue: those may still run', async () => {
    Object.assign(process.env, { SLURM_ARRAY_JOB_ID: '77', SLURM_ARRAY_TASK_ID: '1', SLURM_JOB_ID: '79', SLURM_RESTART_COUNT: '1' });
    leaveLock('77_2');
    await expect(lockRunDirectory(directory)).rejects.toThrow(/locked by process 4242 on node-elsewhere .*another host/);
    process.env.SLURM_RESTART_COUNT = '0';
    leaveLock('77_1');
    await expect(lockRunDirectory(directory)).rejects.toThrow(/another host/);
  });

  it('records the Slurm job in the lock it takes', async () => {
    Object.assign(process.env, { SLURM_ARRAY_JOB_ID: '80', SLURM_ARRAY_TASK_ID: '3', SLURM_JOB_ID: '83' });
    const lock = await lockRunDirectory(directory);
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).slurmJob).toBe('80_3');
    lock.release();
  });
});

describe('lock drafts', () => {
  it("removes the drafts of processes killed while writing a lock, and keeps a live process's", async () => {
    const { existsSync } = await import('node:fs');
    writeFileSync(join(directory, 'lock.999999.tmp'), '{"pid":999999');
    writeFileSync(join(directory, `lock.${process.ppid}.tmp`), '{');
    writeFileSync(join(directory, 'lock.takeover'), '999999');
    const lock = await lockRunDirectory(directory);
    expect(existsSync(join(directory, 'lock.999999.tmp'))).toBe(false);
    expect(existsSync(join(directory, 'lock.takeover'))).toBe(false);
    expect(existsSync(join(directory, `lock.${process.ppid}.tmp`))).toBe(true);
    lock.release();
    rmSync(join(directory, `lock.${process.ppid}.tmp`));
  });
});
