import type { Command } from 'commander';
import { Option } from 'commander';
import {
  activateBackend,
  buildNetworkSpec,
  createRandomState,
  disposeParameters,
  fillNormal,
  getBackendPlugin,
  initializeParameters,
  parseModelName,
  tf,
  trainingStepFlops,
  usageError,
} from '@procrustes/core';
import { projectTargets, spectralTargetsOf } from '@procrustes/spectral';
import { createProbePlugin } from '@procrustes/probes';
import { createSgdState, disposeSgdState, trainingStep, type DataParallelGradients, type TrainingSession } from '@procrustes/train';
import { createDataParallelGradients } from '@procrustes/train/node';
import { parseInputShape, parsePositiveInteger } from '../options.js';

export interface BenchOptions {
  model: string;
  input: [number, number, number];
  batch: number;
  steps: number;
  warmup: number;
  backend: string;
  width: number;
  regularizer?: 'exact' | 'newton-schulz' | 'both';
  /** Also time steps with the gradient-norm probes tapping every unit. */
  probes?: boolean;
  /** Data-parallel worker threads (default 1: the step runs on the main thread). */
  workers?: number;
  /** Recompute units in the backward pass (gradient checkpointing per unit). */
  recomputeUnits?: boolean;
  /** Also profile one step (tf.profile, this thread): kernel time by kernel. */
  profile?: boolean;
}

export interface BenchResult {
  model: string;
  input: string;
  batch: number;
  backend: string;
  workers: number;
  recomputeUnits: boolean;
  device: string;
  steps: number;
  stepMsMedian: number;
  imagesPerSecond: number;
  /** Tensors alive after all timed phases (steps, probed steps, projections) minus before them. */
  tensorDrift: number;
  /** Peak resident memory of this process so far (workers are threads of it), in MB. */
  peakRssMegabytes: number;
  /** Achieved GFLOP/s of the step (≈ 3 forward passes of convolution FLOPs). */
  gflops: number;
  regularizer?: Array<{ method: string; projectionMsMedian: number; costAtHalfProbability: number }>;
  /** Median step with probes on, and its ratio to the step without. */
  probes?: { stepMsMedian: number; overhead: number };
  /** With workers: the median over timed steps of the slowest worker's time on its shard; the rest of a step is the exchange and the update. */
  workerMsMedian?: number;
  /** One profiled step: its wall time and the kernel time of each kernel (all calls), largest first. */
  profile?: { stepMs: number; kernels: Array<{ kernel: string; calls: number; milliseconds: number }> };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Times the trainer's training step (forward, backward, checks, SGD update) after warm-up; optionally the regularizer's projections. */
export async function benchmark(options: BenchOptions): Promise<BenchResult> {
  // Checked before anything starts: worker threads would keep the process alive past the error.
  if (options.profile && (options.workers ?? 1) > 1) throw usageError('--profile times the kernels of this thread: use it without --workers');
  const active = await activateBackend(options.backend);
  const spec = buildNetworkSpec({ ...parseModelName(options.model), width: options.width, inputShape: options.input });
  const parameters = initializeParameters(spec, 0);
  const optimizer = createSgdState(spec);
  const [h, w, c] = options.input;
  const values = new Float32Array(options.batch * h * w * c);
  fillNormal(createRandomState(1), values);
  const batch = { inputs: values, labels: Int32Array.from({ length: options.batch }, (_, i) => i % spec.config.classes), size: options.batch };
  const workers =
    (options.workers ?? 1) > 1
      ? await createDataParallelGradients(spec, options.workers!, { recomputeUnits: options.recomputeUnits, backend: getBackendPlugin(options.backend) })
      : undefined;
  // The workers as the step sees them, wrapped to keep the slowest worker's time of each step.
  const workerTimes: number[] = [];
  const parallel: DataParallelGradients | undefined = workers && {
    ...workers,
    compute: async (weights, shardedBatch) => {
      const computed = await workers.compute(weights, shardedBatch);
      workerTimes.push(Math.max(...computed.workerMilliseconds));
      return computed;
    },
  };
  // The trainer's own step; with probes, the probe plugin taps every step (which then runs on this thread).
  const session: TrainingSession = { spec, parameters, optimizer, update: { momentum: 0.9, weightDecay: 1e-4 }, plugins: [], recomputeUnits: options.recomputeUnits, parallel };
  const probed: TrainingSession = { ...session, plugins: [createProbePlugin({ every: 1 })] };
  let taken = 0;
  const step = async (probe = false) => {
    await trainingStep(probe ? probed : session, batch, { epoch: 0, batch: taken, step: taken, learningRate: 0.01 });
    taken++;
  };
  for (let i = 0; i < options.warmup; i++) await step();
  workerTimes.length = 0;
  const before = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < options.steps; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  const stepMs = median(times);
  const result: BenchResult = {
    model: spec.name,
    input: options.input.join('x'),
    batch: options.batch,
    backend: options.backend,
    workers: options.workers ?? 1,
    recomputeUnits: options.recomputeUnits ?? false,
    device: active.device,
    steps: options.steps,
    stepMsMedian: stepMs,
    imagesPerSecond: (1000 * options.batch) / stepMs,
    tensorDrift: 0,
    peakRssMegabytes: 0,
    gflops: trainingStepFlops(spec, options.batch) / (stepMs * 1e6),
    ...(workerTimes.length > 0 ? { workerMsMedian: median(workerTimes) } : {}),
  };
  if (options.probes) {
    const probeTimes: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const t0 = performance.now();
      await step(true);
      probeTimes.push(performance.now() - t0);
    }
    const probeMs = median(probeTimes);
    result.probes = { stepMsMedian: probeMs, overhead: probeMs / stepMs };
  }
  if (options.profile) {
    const t0 = performance.now();
    const info = await tf.profile(() => step());
    const stepMs = performance.now() - t0;
    const byKernel = new Map<string, { calls: number; milliseconds: number }>();
    for (const k of info.kernels) {
      const entry = byKernel.get(k.name) ?? { calls: 0, milliseconds: 0 };
      entry.calls++;
      entry.milliseconds += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byKernel.set(k.name, entry);
    }
    result.profile = { stepMs, kernels: [...byKernel].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.milliseconds - a.milliseconds) };
  }
  if (options.regularizer && spec.spectralTargets.length > 0) {
    result.regularizer = [];
    const methods = options.regularizer === 'both' ? (['exact', 'newton-schulz'] as const) : [options.regularizer];
    const targets = spectralTargetsOf(spec);
    for (const method of methods) {
      const projectionTimes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await projectTargets(parameters, targets, { method });
        projectionTimes.push(performance.now() - t0);
      }
      const projectionMs = median(projectionTimes);
      result.regularizer.push({ method, projectionMsMedian: projectionMs, costAtHalfProbability: (0.5 * projectionMs) / stepMs });
    }
  }
  result.tensorDrift = tf.memory().numTensors - before;
  result.peakRssMegabytes = process.resourceUsage().maxRSS / 1024;
  await parallel?.dispose();
  disposeSgdState(optimizer);
  disposeParameters(parameters);
  return result;
}

export function addBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('time training steps of one configuration (median after warm-up) and optionally the spectral regularizer')
    .option('--model <name>', 'model', 'resnet-20')
    .option('--input <HxWxC>', 'input shape', parseInputShape, [28, 28, 1] as [number, number, number])
    .option('--batch <n>', 'batch size', parsePositiveInteger, 128)
    .option('--steps <n>', 'timed steps', parsePositiveInteger, 10)
    .option('--warmup <n>', 'untimed steps first', parsePositiveInteger, 2)
    .option('--width <w>', 'base width', parsePositiveInteger, 16)
    .option('--backend <name>', 'backend plugin', 'wasm')
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

/** The best GFLOP/s of a single large kernel on the active backend: a 1024×1024 matrix product. */
export async function peakMatMulGflops(): Promise<number> {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * 1024 ** 3) / (Math.min(...times) * 1e6);
}
