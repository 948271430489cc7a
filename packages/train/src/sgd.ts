import { tf, type NetworkParameters, type NetworkSpec } from '@procrustes/core';

export interface SgdOptions {
  momentum: number;
  weightDecay: number;
}

/** Momentum buffers by weight name: explicit optimizer state, saved in checkpoints. */
export type SgdState = Record<string, tf.Variable>;

export function createSgdState(spec: NetworkSpec): SgdState {
  const state: SgdState = {};
  for (const p of spec.parameters.filter((q) => q.trainable)) state[p.name] = tf.tidy(() => tf.variable(tf.zeros(p.shape), false));
  return state;
}

/**
 * One SGD update as PyTorch's SGD applies it: d = g + λ·w; b = μ·b + d; w = w − lr·b.
 * (PyTorch starts b at d; starting at zero is the same.)
 */
export function sgdUpdate(parameters: NetworkParameters, gradients: Record<string, tf.Tensor>, state: SgdState, learningRate: number, options: SgdOptions): void {
  tf.tidy(() => {
    for (const [name, gradient] of Object.entries(gradients)) {
      const weight = parameters[name];
      const buffer = state[name];
      const direction = options.weightDecay > 0 ? tf.add(gradient, tf.mul(weight, options.weightDecay)) : gradient;
      const velocity = options.momentum > 0 ? tf.add(tf.mul(buffer, options.momentum), direction) : direction;
      if (options.momentum > 0) buffer.assign(velocity);
      weight.assign(tf.sub(weight, tf.mul(velocity, learningRate)));
    }
  });
}

export function disposeSgdState(state: SgdState): void {
  for (const v of Object.values(state)) v.dispose();
}
