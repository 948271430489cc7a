import type { Command } from 'commander';
import { Option } from 'commander';
import { RUN_DEFAULTS } from '@procrustes/train';
import { benchmark, type BenchOptions } from '../benchmark.js';
import { parseInputShape, parsePositiveInteger } from '../options.js';

export function addBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('time training steps of one configuration (median after warm-up) and optionally the spectral regularizer')
    .option('--model <name>', 'model', RUN_DEFAULTS.model)
    .option('--input <HxWxC>', 'input shape', parseInputShape, [28, 28, 1] as [number, number, number])
    .option('--batch <n>', 'batch size', parsePositiveInteger, 128)
    .option('--steps <n>', 'timed steps', parsePositiveInteger, 10)
    .option('--warmup <n>', 'untimed steps first', parsePositiveInteger, 2)
    .option('--width <w>', 'base width', parsePositiveInteger, RUN_DEFAULTS.width)
    .option('--backend <name>', 'backend plugin', RUN_DEFAULTS.backend)
    .option('--probes', 'also time steps with the gradient-norm probes on')
    .option('--workers <n>', 'data-parallel worker threads', parsePositiveInteger, 1)
    .option('--recompute-units', "recompute each unit's inside in the backward pass (less memory, more time)")
    .addOption(new Option('--regularizer <method>', "also time the spectral regularizer's projections").choices(['exact', 'newton-schulz', 'both']))
    .option('--profile', 'also profile one step on this thread: kernel time by kernel (without --workers)')
    .option('--json', 'print JSON')
    .action(async (options: BenchOptions & { json?: boolean }) => {
      const result = await benchmark(options);
      if (options.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(
        `${result.model} ${result.input} batch ${result.batch} on ${result.backend} (${result.device}${result.workers > 1 ? `, ${result.workers} workers` : ''}${result.recomputeUnits ? ', units recomputed' : ''}): ${result.stepMsMedian.toFixed(0)} ms per step, ${result.imagesPerSecond.toFixed(1)} images/s, ${result.gflops.toFixed(2)} GFLOP/s, tensor drift ${result.tensorDrift}, peak RSS ${result.peakRssMegabytes.toFixed(0)} MB`,
      );
      if (result.workerMsMedian !== undefined) {
        const rest = result.stepMsMedian - result.workerMsMedian;
        console.log(
          `  the slowest worker on its shard: ${result.workerMsMedian.toFixed(0)} ms; the exchange and the update: ${rest.toFixed(0)} ms (${((100 * rest) / result.stepMsMedian).toFixed(1)} % of the step)`,
        );
      }
      if (result.probes) console.log(`  with probes: ${result.probes.stepMsMedian.toFixed(0)} ms per step (${result.probes.overhead.toFixed(3)}× the step without)`);
      if (result.profile) {
        const total = result.profile.kernels.reduce((a, k) => a + k.milliseconds, 0);
        console.log(`  profiled step: ${result.profile.stepMs.toFixed(0)} ms wall (tf.profile's bookkeeping included), ${total.toFixed(0)} ms in kernels`);
        for (const k of result.profile.kernels.slice(0, 14)) {
          console.log(`    ${k.kernel.padEnd(24)} ${k.milliseconds.toFixed(1).padStart(8)} ms  ${((100 * k.milliseconds) / total).toFixed(1).padStart(5)} %  (${k.calls} calls)`);
        }
      }
      for (const r of result.regularizer ?? []) {
        console.log(
          `  regularizer (${r.method}): ${r.projectionMsMedian.toFixed(0)} ms per projection of all targets; at p = 0.5 that is ${(100 * r.costAtHalfProbability).toFixed(2)}% of a step`,
        );
      }
    });
}
