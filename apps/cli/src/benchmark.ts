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
    // Plain and probed steps alternate, so the machine's drift over minutes falls on both alike;
    // the ratio is of these medians, not of the plain steps timed before.
    await step(true);
    const plainTimes: number[] = [];
    const probeTimes: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      for (const probe of [false, true]) {
        const t0 = performance.now();
        await step(probe);
        (probe ? probeTimes : plainTimes).push(performance.now() - t0);
      }
    }
    const probeMs = median(probeTimes);
    result.probes = { stepMsMedian: probeMs, overhead: probeMs / median(plainTimes) };
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
