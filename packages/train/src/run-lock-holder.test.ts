import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockRunDirectory, runLockHolder } from './run-lock.js';

describe('runLockHolder', () => {
  it('tells a live writer, a gone one, another host’s and an unreadable lock apart, and takes nothing', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lock-holder-'));
    expect(runLockHolder(directory)).toBeUndefined();
    const lock = await lockRunDirectory(directory);
    expect(runLockHolder(directory)).toMatchObject({ state: 'running', owner: { pid: process.pid, host: hostname() } });
    lock.release();
    expect(runLockHolder(directory)).toBeUndefined();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const owner = { pid: dead, host: hostname(), started: '2026-01-01T00:00:00Z', command: 'train' };
    writeFileSync(join(directory, 'lock'), JSON.stringify(owner));
    expect(runLockHolder(directory)).toEqual({ state: 'gone', owner, why: 'it no longer runs' });
    writeFileSync(join(directory, 'lock'), JSON.stringify({ ...owner, host: 'elsewhere' }));
    expect(runLockHolder(directory)).toMatchObject({ state: 'other-host', owner: { host: 'elsewhere' } });
    writeFileSync(join(directory, 'lock'), '');
    expect(runLockHolder(directory)).toEqual({ state: 'unreadable', why: 'is empty' });
    // Reading took nothing: the lock is as it was.
    expect(runLockHolder(directory)).toEqual({ state: 'unreadable', why: 'is empty' });
  });
});
