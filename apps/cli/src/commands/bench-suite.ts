import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { benchmark, peakMatMulGflops, type BenchOptions } from './bench.js';
import { formatTable } from '../table.js';

/** The configurations of the suite that fit this machine in minutes (see BENCHMARKS in the README). */
const SUITE: Array<Omit<BenchOptions, 'backend' | 'width' | 'warmup'>> = [
  { model: 'resnet-20', input: [28, 28, 1], batch: 128, steps: 5, probes: true },
  { model: 'resnet-20', input: [28, 28, 1], batch: 128, steps: 5, workers: 2 },
  { model: 'procresnet-22', input: [28, 28, 1], batch: 128, steps: 5, probes: true, regularizer: 'both' },
  { model: 'resnet-56', input: [32, 32, 3], batch: 128, steps: 3 },
  { model: 'resnet-56', input: [32, 32, 3], batch: 128, steps: 3, workers: 2 },
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
    .option('--write <file>', 'also write the table as Markdown to this file')
    .action(async (options: { backend: string; write?: string }) => {
      const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, TensorFlow.js 4.22.0, ${new Date().toISOString()}`;
      console.log(`machine: ${machine}\n`);
      const rows: string[][] = [];
      const { activateBackend } = await import('@procrustes/core');
      await activateBackend(options.backend);
      const peak = await peakMatMulGflops();
      console.log(`peak: ${peak.toFixed(1)} GFLOP/s for a 1024×1024 matrix product on ${options.backend} (one thread)`);
      for (const config of SUITE) {
        const result = await benchmark({ ...config, backend: options.backend, width: 16, warmup: 1 });
        const peer2 = peerImagesPerSecond(config, 2);
        const peer1 = peerImagesPerSecond(config, 1);
        rows.push([
          `${result.model} ${result.input} b${result.batch}${result.workers > 1 ? `, ${result.workers} workers` : ''}`,
          result.imagesPerSecond.toFixed(1),
          peer2 === undefined ? 'n/a' : peer2.toFixed(1),
          peer2 === undefined ? 'n/a' : (result.imagesPerSecond / peer2).toFixed(3),
          peer1 === undefined ? 'n/a' : peer1.toFixed(1),
          `${result.gflops.toFixed(2)} (${((100 * result.gflops) / peak).toFixed(0)}%)`,
          String(result.tensorDrift),
          result.probes ? `${result.probes.overhead.toFixed(3)}×` : '',
          result.regularizer ? result.regularizer.map((r) => `${r.method} ${(100 * r.costAtHalfProbability).toFixed(2)}%`).join(', ') : '',
        ]);
        console.log(`${rows[rows.length - 1].join(' | ')}`);
      }
      const header = ['configuration', `${options.backend} img/s`, 'peer 2 threads img/s', 'ours/peer', 'peer 1 thread img/s', 'GFLOP/s (of peak)', 'tensor drift', 'step with probes', 'regularizer at p = 0.5'];
      console.log(`\n${formatTable(header, rows, [1, 2, 3, 4, 5, 6, 7])}`);
      if (options.write) {
        const markdown = [
          `Machine: ${machine}. Peak: ${peak.toFixed(1)} GFLOP/s (1024×1024 matrix product, one WASM thread). Median training step (forward, backward, SGD update) after warm-up, width 16; the PyTorch peer (shared/peers/torch_resnet.py bench) measured in the same run.`,
          '',
          `| ${header.join(' | ')} |`,
          `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
          ...rows.map((r) => `| ${r.join(' | ')} |`),
          '',
        ].join('\n');
        // Only the generated part between the markers is replaced; the analysis around it stays.
        const start = '<!-- bench-suite:start -->';
        const end = '<!-- bench-suite:end -->';
        const existing = existsSync(options.write) ? await readFile(options.write, 'utf8') : '';
        const block = `${start}\n${markdown}${end}`;
        const next = existing.includes(start) && existing.includes(end)
          ? existing.slice(0, existing.indexOf(start)) + block + existing.slice(existing.indexOf(end) + end.length)
          : `${existing}${existing ? '\n' : ''}${block}\n`;
        await writeFile(options.write, next);
        console.log(`\nwritten to ${options.write}`);
      }
    });
}
