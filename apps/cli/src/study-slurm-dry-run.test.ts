import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

// Without a cluster: what --slurm would submit, and what it refuses.
describe('procrustes study --slurm --dry-run', () => {
  it('prints one array task per unfinished run and the report job after it, with paths quoted for the shell', () => {
    const root = mkdtempSync(join(tmpdir(), "slurm dry run's-"));
    const file = join(root, 'tiny.json');
    const runs = [
      { name: 'resnet-8', kind: 'train', model: 'resnet-8', seeds: [0, 1] },
      { name: 'init-plain-8', kind: 'initialization', model: 'plain-8' },
    ];
    writeFileSync(file, JSON.stringify({ name: 'tiny', version: 1, description: 'x', defaults: { dataset: 'fashion-mnist-subset', workers: 2 }, runs }));
    const out = join(root, 'runs');
    const dry = procrustes('study', file, '--slurm', '--dry-run', '--partition', 'gpu', '--mem', '4G', '--sbatch=--account=lab', '--out', out, '--results', join(root, 'results'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/# 3 unfinished runs of tiny \(0 resnet-8-seed0, 1 init-plain-8, 2 resnet-8-seed1\); nothing submitted/);
    expect(dry.stdout).toMatch(/#SBATCH --array=0,1,2\n/);
    expect(dry.stdout).toMatch(/#SBATCH --partition=gpu\n#SBATCH --cpus-per-task=2\n#SBATCH --mem=4G\n#SBATCH --account=lab\n/);
    expect(dry.stdout).toMatch(/#SBATCH --requeue/);
    // The directory's apostrophe survives the shell: '…'\''…'.
    expect(dry.stdout).toContain(`--out '${out.replace(/'/g, `'\\''`)}'`);
    expect(dry.stdout).toMatch(/study '.*tiny\.json' --report --results/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses options that go with --slurm without it, and --slurm with --only', () => {
    const alone = procrustes('study', 'depth-initialization', '--dry-run');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--dry-run goes with --slurm/);
    const only = procrustes('study', 'depth-initialization', '--slurm', '--only', 'resnet-20');
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/--slurm submits every unfinished run: leave out --report, --only and --run-index/);
    const index = procrustes('study', 'depth-initialization', '--run-index', '99');
    expect(index.code).toBe(2);
    expect(index.stderr).toMatch(/--run-index 99 is past the last run of study depth-initialization \(it has 18, indexed from 0\)/);
  });
});
