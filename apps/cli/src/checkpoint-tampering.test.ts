import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A forged checkpoint: `edit` changes its files, then the manifest is resealed as a forger would. */
function forged(run: string, root: string, name: string, edit: (checkpoint: string) => void): string {
  const copy = join(root, name);
  cpSync(run, copy, { recursive: true });
  const checkpoint = join(copy, 'checkpoint');
  edit(checkpoint);
  const manifestPath = join(checkpoint, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const file of Object.keys(manifest.files)) manifest.files[file] = sha256(readFileSync(join(checkpoint, file)));
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return copy;
}

const editJson = (path: string, change: (value: Record<string, unknown>) => void) => {
  const value = JSON.parse(readFileSync(path, 'utf8'));
  change(value);
  writeFileSync(path, JSON.stringify(value));
};

describe('checkpoints whose checksums verify but whose contents are forged or malformed', () => {
  let root: string;
  let run: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'forged-'));
    run = join(root, 'run');
    const trained = procrustes(
      'train',
      ...'--model resnet-8 --width 4 --dataset fashion-mnist-subset --limit-train 32 --limit-test 32 --batch 16 --epochs 1 --quiet'.split(' '),
      '--out',
      run,
    );
    expect(trained.code, trained.stderr).toBe(0);
    writeFileSync(join(root, 'outside.bin'), readFileSync(join(run, 'checkpoint', 'weights.bin')));
  }, 120_000);

  it('reads weights only from the checksummed shard beside model.json', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['outside', '../../outside.bin', /names the weight shard "\.\.\/\.\.\/outside\.bin" outside its directory/],
      ['absolute', '/etc/passwd', /names the weight shard "\/etc\/passwd" outside its directory/],
      ['unsealed', 'state.json', /names the weight shard 'state\.json', which its checkpoint's manifest does not checksum/],
    ];
    for (const [name, path, message] of cases) {
      const copy = forged(run, root, name, (checkpoint) =>
        editJson(join(checkpoint, 'model.json'), (json) => {
          (json.weightsManifest as Array<{ paths: string[] }>)[0].paths = [path];
        }),
      );
      for (const command of [
        ['eval', '--checkpoint', copy],
        ['train', '--out', copy, '--resume', '--quiet'],
      ]) {
        const result = procrustes(...command);
        expect(result.code, `${name} ${command[0]}: ${result.stderr}`).toBe(2);
        expect(result.stderr, name).toMatch(message);
      }
    }
  });

  it('refuses malformed fields by name with exit 2', () => {
    const cases: Array<[string, (checkpoint: string) => void, RegExp]> = [
      [
        'fractional-shape',
        (c) =>
          editJson(join(c, 'model.json'), (json) => {
            (json.weightsManifest as Array<{ weights: Array<{ shape: number[] }> }>)[0].weights[0].shape = [3, 3, 1, 8.5];
          }),
        /has the shape \[3,3,1,8\.5\]: a shape is a list of non-negative integers/,
      ],
      ['no-normalization', (c) => editJson(join(c, 'state.json'), (s) => delete s.normalization), /state\.json has no normalization/],
      ['negative-epoch', (c) => editJson(join(c, 'state.json'), (s) => (s.epoch = -5)), /state\.json has epoch -5/],
      ['fractional-epoch', (c) => editJson(join(c, 'state.json'), (s) => (s.epoch = 1.5)), /state\.json has epoch 1\.5/],
      ['zero-std', (c) => editJson(join(c, 'state.json'), (s) => ((s.normalization as { std: number[] }).std = [0])), /normalization\.std \[0\]: each a positive number/],
      [
        'short-mean',
        (c) => editJson(join(c, 'state.json'), (s) => ((s.normalization as { mean: number[] }).mean = [])),
        /normalization\.mean \[\]: 1 finite number, one per input channel/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const copy = forged(run, root, name, edit);
      const result = procrustes('eval', '--checkpoint', copy);
      expect(result.code, `${name}: ${result.stderr}`).toBe(2);
      expect(result.stderr, name).toMatch(message);
    }
  });
});
