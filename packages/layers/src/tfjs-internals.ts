// What this package needs from tfjs-layers 4.22 beyond its public API, in one place.
import * as tfl from '@tensorflow/tfjs-layers';
import type { Constraint } from '@tensorflow/tfjs-layers/dist/constraints';

/**
 * tfjs-layers' `Constraint` base class, which it does not export: a layer keeps a
 * `kernelConstraint` only if it is an instance of it (`getConstraint` tests `instanceof`), so
 * this package's constraints extend it, found as the parent of a built-in constraint's class.
 */
function constraintBaseClass(): abstract new () => Constraint {
  const base = Object.getPrototypeOf(tfl.constraints.nonNeg().constructor) as abstract new () => Constraint;
  if (typeof base !== 'function' || typeof base.prototype.getConfig !== 'function' || !(tfl.constraints.maxNorm({ maxValue: 1 }) instanceof base)) {
    throw new Error(
      `@procrustes/layers cannot find tfjs-layers' Constraint class in @tensorflow/tfjs-layers ${tfl.version_layers}: it was checked with 4.22; install @tensorflow/tfjs-layers@~4.22.0`,
    );
  }
  return base;
}

export const ConstraintBase = constraintBaseClass();
export type { Constraint };

/**
 * The loss functions a model was compiled with: a functional model keeps them as
 * `lossFunctions`; a Sequential compiles its inner functional model (its private `model`).
 */
export function compiledLossFunctions(model: tfl.LayersModel): tfl.LayersModel['lossFunctions'] | undefined {
  return model.lossFunctions ?? (model as unknown as { model?: tfl.LayersModel }).model?.lossFunctions;
}
