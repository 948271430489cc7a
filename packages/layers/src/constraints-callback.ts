import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandomState, fillUniform, usageError } from '@procrustes/core';
import { bindConstraints, constrainedWeights } from './bind-constraints.js';

export interface ConstraintsCallbackOptions {
  /** Apply after every `every`-th optimizer step (default 1). */
  every?: number;
  /** …and then with this probability (the paper's regularizer frequency p; default 1). */
  probability?: number;
  /** Seed of the draws that `probability` makes (default 0). */
  seed?: number;
  /**
   * Warn once when applying the constraints takes more than this share of the training time
   * they are spread over (default 0.1), naming the `every` that would keep them within it.
   */
  overheadWarning?: number;
}

/** The schedule that keeps applications at `share` of training: one per ⌈application / (share · step)⌉ steps. */
export function everyForOverhead(applicationSeconds: number, stepSeconds: number, share: number): number {
  return Math.max(1, Math.ceil(applicationSeconds / (share * stepSeconds)));
}

/**
 * A `fit` callback that applies every layer's weight constraints after optimizer steps: this
 * package's and tfjs's own (`maxNorm`, `unitNorm`, `nonNeg`, `minMaxNorm`). tfjs-layers 4.22
 * applies a constraint only when a weight is written with `setWeights`, never after an optimizer
 * step, so without this callback every constraint is ignored during `fit`.
 *
 * When training begins it binds each spectral constraint to its layer's geometry
 * (`bindConstraints`). Each application is `LayerVariable.write` of (a copy of) the variable's value,
 * which is where tfjs applies the constraint, inside a tidy: no tensor is left behind.
 */
export function constraintsCallback(options: ConstraintsCallbackOptions = {}): tfl.Callback {
  const every = options.every ?? 1;
  const probability = options.probability ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) throw usageError(`constraintsCallback: every must be a positive integer, got ${options.every}`);
  if (!(probability >= 0 && probability <= 1)) throw usageError(`constraintsCallback: probability must be between 0 and 1, got ${options.probability}`);
  let random = createRandomState(options.seed ?? 0);
  const draw = new Float64Array(1);
  const share = options.overheadWarning ?? 0.1;
  let step = 0;
  let stepStart = 0;
  let stepSeconds = 0;
  let warned = false;
  return new (class ConstraintsCallback extends tfl.Callback {
    override async onTrainBegin(): Promise<void> {
      bindConstraints(this.model);
    }

    override async onBatchBegin(): Promise<void> {
      stepStart = performance.now();
    }

    override async onBatchEnd(): Promise<void> {
      // The fastest step seen: a fair measure of the training the constraints are spread over.
      const seconds = (performance.now() - stepStart) / 1000;
      stepSeconds = stepSeconds === 0 ? seconds : Math.min(stepSeconds, seconds);
      step++;
      if (step % every !== 0) return;
      // Drawn at every eligible step, applied or not, so the draws do not depend on the model.
      random = fillUniform(random, draw);
      if (draw[0]! >= probability) return;
      const start = performance.now();
      applyConstraints(this.model);
      const applicationSeconds = (performance.now() - start) / 1000;
      const overhead = (applicationSeconds * probability) / (every * stepSeconds);
      if (!warned && overhead > share) {
        warned = true;
        console.warn(
          `constraintsCallback: applying the constraints took ${applicationSeconds.toFixed(3)} s, ${(applicationSeconds / stepSeconds).toFixed(1)}× a training step (${stepSeconds.toFixed(3)} s): ${(100 * overhead).toFixed(0)} % on top of training; every: ${everyForOverhead(applicationSeconds * probability, stepSeconds, share)} keeps it within ${(100 * share).toFixed(0)} %`,
        );
      }
    }
  })();
}

/** Applies every constraint of every layer of the model once, as tfjs does in `setWeights`. */
export function applyConstraints(model: { layers: tfl.layers.Layer[] }): void {
  for (const layer of model.layers) {
    // write() applies the constraint only to a tensor other than the variable's own: a clone.
    for (const variable of constrainedWeights(layer)) tf.tidy(() => void variable.write(tf.clone(variable.read())));
  }
}
