import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { benchmark, type BenchOptions } from './bench.js';
import { formatTable } from '../table.js';

/** The configurations of the suite that fit this machine in minutes (see BENCHMARKS in the README). */
const SUITE: Array<Omit<BenchOptions, 'backend' | 'width' | 'warmup'> & { regularizer?: BenchOptions['regularizer'] }> = [
  { model: 'resnet-20', input: [28, 28, 1], batch: 128, steps: 5 },
  { model: 'procresnet-22', input: [28, 28, 1], batch: 128, steps: 5, regularizer: 'exact' },
];

/** The PyTorch peer's throughput on the same configuration, or undefined where torch is missing. */
function peerImagesPerSecond(options: { model: string; input: [number, number, number]; batch: number }, threads: number): number | undefined {
  const peer = join(process.cwd(), '..', 'shared', 'peers', 'torch_resnet.py');
  if (!existsSync(peer) || !existsSync('/usr/bin/python3')) return undefined;
  const [family, depth] = options.model.split('-');
  const d = Number(depth);
  const block = d >= 164 ? 'bottleneck' : 'basic';
  const n = block === 'basic' ? (d - (family === 'procresnet' ? 4 : 2)) / 6 : (d - (family === 'procresnet' ? 4 : 2)) / 9;
  try {
    const out = execFileSync('/usr/bin/python3', [peer, 'bench', '--model', family, '--block', block, '--n', String(n), '--input', options.input.join('x'), '--batch', String(options.batch), '--threads', String(threads), '--steps', '5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out.trim().split('\n').pop()!).images_per_s as number;
  } catch {
    return undefined;
  }
}

export function addBenchSuiteCommand(program: Command): void {
  program
    .command('bench-suite')
    .description('the benchmark suite (pnpm bench): training throughput per configuration on WASM, beside the PyTorch peer when installed')
    .option('--backend <name>', 'backend plugin', 'wasm')
    .action(async (options: { backend: string }) => {
      console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString()}\n`);
      const rows: string[][] = [];
      for (const config of SUITE) {
        const result = await benchmark({ ...config, backend: options.backend, width: 16, warmup: 1 });
        const peer2 = peerImagesPerSecond(config, 2);
        const peer1 = peerImagesPerSecond(config, 1);
        rows.push([
          `${result.model} ${result.input} b${result.batch}`,
          result.imagesPerSecond.toFixed(1),
          peer2 === undefined ? 'n/a' : peer2.toFixed(1),
          peer2 === undefined ? 'n/a' : (result.imagesPerSecond / peer2).toFixed(3),
          peer1 === undefined ? 'n/a' : peer1.toFixed(1),
          String(result.tensorDrift),
          result.regularizer ? `${(100 * result.regularizer[0].costAtHalfProbability).toFixed(2)}%` : '',
        ]);
      }
      console.log(formatTable(['configuration', `${options.backend} img/s`, 'peer 2 threads', 'ours/peer', 'peer 1 thread', 'tensor drift', 'regularizer at p=0.5'], rows, [1, 2, 3, 4, 5, 6]));
    });
}
