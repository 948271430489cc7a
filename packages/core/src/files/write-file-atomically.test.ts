import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomically } from './write-file-atomically.js';

describe('writeFileAtomically', () => {
  it('replaces the file whole and leaves no temporary behind', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'atomic-'));
    const path = join(directory, 'a.json');
    writeFileSync(path, 'old');
    await writeFileAtomically(path, 'new', { durable: true });
    await writeFileAtomically(join(directory, 'b.bin'), new Uint8Array([1, 2, 3]));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(Array.from(readFileSync(join(directory, 'b.bin')))).toEqual([1, 2, 3]);
    expect(readdirSync(directory).sort()).toEqual(['a.json', 'b.bin']);
  });

  it('keeps the old file when the write fails, and removes the half-written one', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'atomic-'));
    const path = join(directory, 'a.json');
    writeFileSync(path, 'old');
    // A missing directory makes the write fail.
    await expect(writeFileAtomically(join(directory, 'missing', 'x.json'), 'new')).rejects.toThrow(/ENOENT/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(existsSync(join(directory, 'missing'))).toBe(false);
  });
});
