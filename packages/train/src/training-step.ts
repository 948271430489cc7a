import {
  assignStatistics,
  countCorrect,
  lossAndGradients,
  tf,
  type NetworkParameters,
  type NetworkSpec,
  type PluginRecord,
  type TrainingContext,
  type TrainingPlugin,
  type UnitTap,
} from '@procrustes/core';
import { batchTensors, type HostBatch } from '@procrustes/data';
import { batchShards } from './parallel/batch-shards.js';
import type { DataParallelGradients } from './parallel/parallel-gradients.js';
import { sgdUpdate, type SgdOptions, type SgdState } from './sgd.js';

/** A non-finite loss or gradient stopped the run; the last good checkpoint is kept. */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
}

/** The loss rose above the divergence bound; the last good checkpoint is kept. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
}

/**
 * What a training step works on, explicitly: the network, its weights and optimizer state, the
 * recipe's update rule and the plugins. The step mutates `parameters` and `optimizer` (they are
 * tfjs variables) and nothing else.
 */
export interface TrainingSession {
  spec: NetworkSpec;
  parameters: NetworkParameters;
  optimizer: SgdState;
  update: SgdOptions;
  plugins: TrainingPlugin[];
  recomputeUnits?: boolean;
  /** Data-parallel workers for the steps no plugin taps; without them every step runs here. */
  parallel?: DataParallelGradients;
  /** Non-finite loss or gradients: 'stop' (default) throws NonFiniteError; 'skip' skips that update. */
  onNonFinite?: 'stop' | 'skip';
}

/** Where a step sits in training, for hooks and messages. */
export interface StepPosition {
  epoch: number;
  /** Batch index inside the epoch (0-based). */
  batch: number;
  /** Global step (0-based). */
  step: number;
  learningRate: number;
  /** A loss above this stops the run (DivergenceError) before the update; undefined: no bound. */
  maxLoss?: number;
}

export interface StepResult {
  loss: number;
  hits: number;
  /** The update was skipped (a non-finite value with onNonFinite 'skip'). */
  skipped: boolean;
  /** What the plugins' hooks returned during this step, in hook order. */
  records: PluginRecord[];
}

/** What one forward/backward pass produced on this thread; every tensor is the caller's to dispose. */
export interface PassOutcome {
  loss: number;
  lossTensor: tf.Scalar;
  hits: number;
  gradients: Record<string, tf.Tensor>;
  statistics: Map<string, tf.Tensor1D>;
  gradientsFinite: boolean;
}

/** NaN when any gradient holds NaN or ±∞ (0·∞ is NaN), else 0. */
function finiteSentinel(gradients: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.addN(Object.values(gradients).map((g) => tf.sum(tf.mul(g, 0)))) as tf.Scalar);
}

/**
 * One forward and backward pass on a host batch, with one read (loss, hits, finiteness): the
 * computation of a step, shared by the step below and the data-parallel workers.
 */
export async function forwardBackward(
  spec: NetworkSpec,
  parameters: NetworkParameters,
  batch: HostBatch,
  options: { tap?: UnitTap; recomputeUnits?: boolean } = {},
): Promise<PassOutcome> {
  const { inputs, labels } = batchTensors(batch, spec.config.inputShape);
  const result = lossAndGradients(spec, parameters, inputs, labels, options);
  const hits = countCorrect(result.logits, labels);
  const sentinel = finiteSentinel(result.gradients);
  // One read per step; the step itself is queued already.
  const [loss, hitCount, check] = await Promise.all([result.loss.data(), hits.data(), sentinel.data()]);
  tf.dispose([hits, sentinel, result.logits, inputs, labels]);
  return { loss: loss[0], lossTensor: result.loss, hits: hitCount[0], gradients: result.gradients, statistics: result.statistics, gradientsFinite: Number.isFinite(check[0]) };
}

async function parallelPass(parallel: DataParallelGradients, parameters: NetworkParameters, batch: HostBatch): Promise<PassOutcome> {
  const result = await parallel.compute(parameters, batch);
  return {
    loss: result.loss,
    lossTensor: tf.scalar(result.loss),
    hits: result.hits,
    gradients: result.gradients,
    statistics: result.statistics,
    gradientsFinite: result.gradientsFinite,
  };
}

/** The data-parallel step computed here, shard after shard: gradients, statistics and loss weighted by shard size. */
async function shardedPass(
  spec: NetworkSpec,
  parameters: NetworkParameters,
  batch: HostBatch,
  shards: number,
  firstTap: UnitTap,
  nextTap: () => UnitTap | undefined,
  recomputeUnits?: boolean,
): Promise<PassOutcome> {
  const [h, w, c] = spec.config.inputShape;
  const parts = batchShards(batch, shards, h * w * c);
  const passes: PassOutcome[] = [];
  for (const [k, part] of parts.entries()) passes.push(await forwardBackward(spec, parameters, part, { tap: k === 0 ? firstTap : nextTap(), recomputeUnits }));
  const fractions = parts.map((p) => p.size / batch.size);
  const weighted = (pick: (pass: PassOutcome) => tf.Tensor) => tf.tidy(() => tf.addN(passes.map((pass, k) => tf.mul(pick(pass), fractions[k]))));
  const gradients: Record<string, tf.Tensor> = {};
  for (const name of Object.keys(passes[0].gradients)) gradients[name] = weighted((pass) => pass.gradients[name]);
  const statistics = new Map<string, tf.Tensor1D>();
  for (const name of passes[0].statistics.keys()) statistics.set(name, weighted((pass) => pass.statistics.get(name)!) as tf.Tensor1D);
  const loss = passes.reduce((sum, pass, k) => sum + fractions[k] * pass.loss, 0);
  const combined: PassOutcome = {
    loss,
    lossTensor: tf.scalar(loss),
    hits: passes.reduce((sum, pass) => sum + pass.hits, 0),
    gradients,
    statistics,
    gradientsFinite: passes.every((pass) => pass.gradientsFinite),
  };
  for (const pass of passes) disposePass(pass);
  return combined;
}

export function disposePass(outcome: PassOutcome): void {
  tf.dispose([outcome.lossTensor, ...Object.values(outcome.gradients), ...outcome.statistics.values()]);
  outcome.statistics.clear();
}

/** The name of the first gradient holding NaN or ±∞ (only read when the cheap check failed). */
async function firstNonFinite(gradients: Record<string, tf.Tensor>): Promise<string> {
  for (const [name, g] of Object.entries(gradients)) {
    const values = await g.data();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) return `gradient of '${name}' holds ${values[i]} at index ${i}`;
    }
  }
  return 'a gradient';
}

/** Adds a hook's records, checking that each is in a stream the plugin declares. */
export function collectRecords(records: PluginRecord[], plugin: TrainingPlugin, returned: void | PluginRecord[]): void {
  if (!returned) return;
  for (const r of returned) {
    if (!(plugin.records ?? []).includes(r.stream)) {
      throw new Error(`training plugin '${plugin.name}' returned a record for the stream '${r.stream}', which it does not declare in its records`);
    }
    records.push(r);
  }
}

/**
 * One training step — the only one: plugin hooks, forward and backward (here or on the
 * workers), the non-finite and divergence checks, the SGD update and the running statistics.
 */
export async function trainingStep(session: TrainingSession, batch: HostBatch, position: StepPosition): Promise<StepResult> {
  const { spec, parameters, plugins } = session;
  const context: TrainingContext = { network: spec, parameters, epoch: position.epoch, step: position.step };
  const records: PluginRecord[] = [];
  for (const plugin of plugins) await plugin.beforeStep?.(context);
  const tapsFor = (): UnitTap | undefined => {
    const taps = plugins.map((p) => p.tapFor?.(position.step)).filter((t): t is UnitTap => t !== undefined);
    return taps.length === 0 ? undefined : (x, index, unit) => taps.reduce((h, t) => t(h, index, unit), x);
  };
  const tap = tapsFor();
  // A tapped step runs on this thread; with workers, in their shards one after the other (what
  // the workers compute: batch norm per shard), so that it fits where the workers' shards fit.
  const outcome = !tap
    ? session.parallel
      ? await parallelPass(session.parallel, parameters, batch)
      : await forwardBackward(spec, parameters, batch, { recomputeUnits: session.recomputeUnits })
    : session.parallel
      ? await shardedPass(spec, parameters, batch, session.parallel.workers, tap, tapsFor, session.recomputeUnits)
      : await forwardBackward(spec, parameters, batch, { tap, recomputeUnits: session.recomputeUnits });
  let skipped = false;
  try {
    for (const plugin of plugins) collectRecords(records, plugin, await plugin.afterGradients?.({ ...context, loss: outcome.lossTensor, gradients: outcome.gradients }));
    const where = `step ${position.step} (epoch ${position.epoch + 1}, batch ${position.batch + 1})`;
    if (!Number.isFinite(outcome.loss) || !outcome.gradientsFinite) {
      if ((session.onNonFinite ?? 'stop') === 'stop') {
        const culprit = !Number.isFinite(outcome.loss) ? 'the loss' : await firstNonFinite(outcome.gradients);
        throw new NonFiniteError(`non-finite values at ${where}: ${culprit}`);
      }
      skipped = true;
    } else if (position.maxLoss !== undefined && outcome.loss > position.maxLoss) {
      throw new DivergenceError(`the loss diverged at ${where}: ${outcome.loss.toPrecision(4)} is above the bound ${position.maxLoss.toPrecision(4)}`);
    } else {
      sgdUpdate(parameters, outcome.gradients, session.optimizer, position.learningRate, session.update);
      assignStatistics(parameters, outcome.statistics);
    }
  } finally {
    disposePass(outcome);
  }
  for (const plugin of plugins) collectRecords(records, plugin, await plugin.afterUpdate?.(context));
  return { loss: outcome.loss, hits: outcome.hits, skipped, records };
}
