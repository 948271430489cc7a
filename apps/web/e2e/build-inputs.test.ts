import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The files turbo hashes for a package's build, as its dry run reports them. */
function buildInputs(name: string): string[] {
  const turbo = join(root, 'node_modules', '.bin', 'turbo');
  const result = spawnSync(turbo, ['run', 'build', `--filter=${name}`, '--dry=json'], { cwd: root, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  expect(result.status, result.stderr).toBe(0);
  const plan = JSON.parse(result.stdout) as { tasks: Array<{ taskId: string; inputs: Record<string, string> }> };
  return Object.keys(plan.tasks.find((t) => t.taskId === `${name}#build`)!.inputs);
}

describe('turbo build inputs', () => {
  it('cover every file a build reads (the page, its config), and no tests', () => {
    const web = buildInputs('web');
    for (const file of ['index.html', 'vite.config.ts', 'package.json', 'src/main.ts', 'src/training-worker.ts']) expect(web, file).toContain(file);
    expect(web.some((f) => f.endsWith('.test.ts'))).toBe(false);
  }, 60_000);
});
