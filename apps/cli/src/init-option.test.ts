import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

describe('--init', () => {
  it('is recorded in the run config only when chosen, and a resumed run refuses another', () => {
    const root = mkdtempSync(join(tmpdir(), 'init-option-'));
    const common = '--model procresnet-10 --dataset fashion-mnist-subset --epochs 1 --limit-train 32 --limit-test 16 --batch 16 --width 2 --quiet'.split(' ');
    const chosen = procrustes('train', ...common, '--init', 'authors', '--out', join(root, 'authors'));
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'authors', 'config.json'), 'utf8')).network.initialization).toBe('authors');
    const plain = procrustes('train', ...common, '--out', join(root, 'default'));
    expect(plain.code, plain.stderr).toBe(0);
    expect('initialization' in JSON.parse(readFileSync(join(root, 'default', 'config.json'), 'utf8')).network).toBe(false);
    const resumed = procrustes('train', '--out', join(root, 'authors'), '--resume', '--init', 'he-fan-in');
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/--init "he-fan-in" \(the run has "authors"\)/);
    const unknown = procrustes('train', ...common, '--init', 'xavier', '--out', join(root, 'x'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/'xavier' is invalid\. Allowed choices are he-fan-out, he-fan-in, authors/);
  }, 120_000);

  it("ratios measures each scheme: the authors' stem scale brings procresnet's first ratio toward 1", () => {
    const first = (init: string) => {
      const out = procrustes('ratios', '--model', 'procresnet-22', '--input', '28x28x1', '--batch', '8', '--init', init, '--json');
      expect(out.code, out.stderr).toBe(0);
      return JSON.parse(out.stdout).units[0].ratioMean as number;
    };
    const fanOut = first('he-fan-out');
    const authors = first('authors');
    expect(Math.abs(Math.log(authors))).toBeLessThan(Math.abs(Math.log(fanOut)));
  }, 120_000);
});
