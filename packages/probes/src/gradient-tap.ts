import { tf, type UnitTap } from '@procrustes/core';

/**
 * A tap that records, in the same backward pass as training, the per-sample norm of the
 * gradient with respect to each unit's input x_l (and x_L, the head's input), and the
 * per-sample norm of x_l itself. The tap is an identity with a custom gradient: its value is
 * a clone of x (returning x itself would break the tape) and its gradient passes dy on.
 */
export interface GradientTap {
  tap: UnitTap;
  /** Per-sample ‖∂E/∂x_l‖ by index l, filled during the backward pass; the caller disposes them. */
  gradientNorms: Map<number, tf.Tensor1D>;
  /** Per-sample ‖x_l‖ by index l, filled during the forward pass. */
  activationNorms: Map<number, tf.Tensor1D>;
  dispose(): void;
}

/** ‖x_i‖ of each sample i (the first axis), for a tensor of any rank ≥ 2 (feature maps, features). */
export const perSampleNorm = (x: tf.Tensor): tf.Tensor1D =>
  tf.tidy(() =>
    tf.sqrt(
      tf.sum(
        tf.square(x),
        Array.from({ length: x.rank - 1 }, (_, i) => i + 1),
      ),
    ),
  ) as tf.Tensor1D;

export function createGradientTap(): GradientTap {
  const gradientNorms = new Map<number, tf.Tensor1D>();
  const activationNorms = new Map<number, tf.Tensor1D>();
  const tap: UnitTap = (x, index) => {
    activationNorms.set(index, tf.keep(perSampleNorm(x)));
    const identity = tf.customGrad(((input: tf.Tensor) => ({
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor) => {
        gradientNorms.get(index)?.dispose();
        gradientNorms.set(index, tf.keep(perSampleNorm(dy)));
        return dy;
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return identity(x) as tf.Tensor4D;
  };
  return {
    tap,
    gradientNorms,
    activationNorms,
    dispose() {
      for (const t of [...gradientNorms.values(), ...activationNorms.values()]) t.dispose();
      gradientNorms.clear();
      activationNorms.clear();
    },
  };
}

/**
 * The taps of the shards of one step as one tap over the whole batch (per-sample norms
 * concatenated in shard order): a step computed in shards is probed like one pass.
 */
export function mergeGradientTaps(taps: GradientTap[]): GradientTap {
  if (taps.length === 1) return taps[0];
  const concatenated = (maps: Map<number, tf.Tensor1D>[]) => {
    const merged = new Map<number, tf.Tensor1D>();
    for (const index of maps[0].keys()) merged.set(index, tf.concat(maps.map((m) => m.get(index)!)) as tf.Tensor1D);
    return merged;
  };
  const gradientNorms = concatenated(taps.map((t) => t.gradientNorms));
  const activationNorms = concatenated(taps.map((t) => t.activationNorms));
  return {
    tap: taps[0].tap,
    gradientNorms,
    activationNorms,
    dispose() {
      for (const t of [...gradientNorms.values(), ...activationNorms.values()]) t.dispose();
      for (const t of taps) t.dispose();
    },
  };
}
