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
  let step = 0;
  return new (class ConstraintsCallback extends tfl.Callback {
    override async onTrainBegin(): Promise<void> {
      bindConstraints(this.model);
    }

    override async onBatchEnd(): Promise<void> {
      step++;
      if (step % every !== 0) return;
      // Drawn at every eligible step, applied or not, so the draws do not depend on the model.
      random = fillUniform(random, draw);
      if (draw[0]! >= probability) return;
      applyConstraints(this.model);
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
