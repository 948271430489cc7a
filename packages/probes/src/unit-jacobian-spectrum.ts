import { createRandomState, fillNormal, tf, unitForward, type NetworkParameters, type UnitSpec } from '@procrustes/core';

export interface JacobianSpectrumOptions {
  /** Power-iteration steps for each end of the spectrum (default 100). */
  iterations?: number;
  seed?: number;
}

export interface JacobianSpectrum {
  largest: number;
  smallest: number;
}

/**
 * Largest and smallest singular value of a unit's Jacobian ∂x_{l+1}/∂x_l at x (evaluation
 * mode, where a unit is piecewise linear). Jᵀ(Jv) is a vector–Jacobian product (the gradient
 * of ⟨f(x), Jv⟩) of a Jacobian–vector product, the latter by a central difference, exact for a
 * piecewise-linear map away from its kinks. σ_max by power iteration on JᵀJ; σ_min by power
 * iteration on the shifted σ_max²·I − JᵀJ, whose top eigenvalue is σ_max² − σ_min².
 */
export async function unitJacobianSpectrum(unit: UnitSpec, parameters: NetworkParameters, x: tf.Tensor4D, options: JacobianSpectrumOptions = {}): Promise<JacobianSpectrum> {
  const iterations = options.iterations ?? 100;
  const f = (input: tf.Tensor4D) => unitForward(unit, parameters, input, { training: false }).y;
  const norm = tf.norm(x);
  const scale = (await norm.data())[0] / Math.sqrt(x.size);
  norm.dispose();
  const epsilon = 1e-3 * Math.max(scale, 1e-3);
  const gramTimes = (v: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      const jv = tf.div(tf.sub(f(tf.add(x, tf.mul(v, epsilon)) as tf.Tensor4D), f(tf.sub(x, tf.mul(v, epsilon)) as tf.Tensor4D)), 2 * epsilon);
      return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor4D), jv)))(x) as tf.Tensor4D;
    });
  const start = new Float32Array(x.size);
  fillNormal(createRandomState(options.seed ?? 0), start);
  const power = async (apply: (v: tf.Tensor4D) => tf.Tensor4D): Promise<number> => {
    let v = tf.tidy(() => {
      const t = tf.tensor4d(start, x.shape);
      return tf.div(t, tf.norm(t)) as tf.Tensor4D;
    });
    let eigenvalue = 0;
    for (let i = 0; i < iterations; i++) {
      const next = apply(v);
      const norm = tf.norm(next);
      eigenvalue = (await norm.data())[0];
      const normalized = tf.div(next, norm) as tf.Tensor4D;
      tf.dispose([v, next, norm]);
      v = normalized;
    }
    v.dispose();
    return eigenvalue;
  };
  const top = await power(gramTimes);
  const shifted = await power((v) => tf.tidy(() => tf.sub(tf.mul(v, top), gramTimes(v)) as tf.Tensor4D));
  return { largest: Math.sqrt(top), smallest: Math.sqrt(Math.max(0, top - shifted)) };
}
