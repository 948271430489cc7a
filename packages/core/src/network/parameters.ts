import * as tf from '@tensorflow/tfjs-core';
import { heNormal, uniformFanIn } from '../layers/initializers.js';
import { createRandomState, type RandomState } from '../random.js';
import type { NetworkSpec, ParameterSpec } from './spec.js';

/** Every tensor of a network by weight name: trainable variables and running statistics. */
export type NetworkParameters = Record<string, tf.Variable>;

/** Host values of a parameter in spec order, drawn from a seeded generator. */
export function initialParameterValues(spec: NetworkSpec, seed: number): { values: Map<string, Float32Array>; state: RandomState } {
  let state = createRandomState(seed);
  const values = new Map<string, Float32Array>();
  const scheme = spec.config.initialization ?? 'he-fan-out';
  // The authors' ProcResNet code scales the stem and the transitions by √½ (ARCHITECTURES.md).
  const halved = new Set(scheme === 'authors' ? [spec.stem.convolution.name, ...spec.spectralTargets.map((c) => c.name)] : []);
  for (const p of spec.parameters) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    switch (p.initializer) {
      case 'he-normal': {
        const drawn = heNormal(p.shape, scheme === 'he-fan-out' ? 'fan-out' : 'fan-in', halved.has(p.name) ? Math.SQRT1_2 : 1, state);
        state = drawn.state;
        values.set(p.name, drawn.values);
        break;
      }
      case 'dense-uniform': {
        const drawn = uniformFanIn(p.shape, p.fanIn ?? p.shape[0], state);
        state = drawn.state;
        values.set(p.name, drawn.values);
        break;
      }
      case 'ones':
        values.set(p.name, new Float32Array(size).fill(1));
        break;
      case 'zeros':
        values.set(p.name, new Float32Array(size));
        break;
    }
  }
  return { values, state };
}

/** Creates the network's variables (on the active backend) from a seed. */
export function initializeParameters(spec: NetworkSpec, seed: number): NetworkParameters {
  const { values } = initialParameterValues(spec, seed);
  return createParameters(spec, (p) => values.get(p.name)!);
}

/** Creates the network's variables from values supplied per parameter. */
export function createParameters(spec: NetworkSpec, valuesOf: (parameter: ParameterSpec) => Float32Array | tf.Tensor): NetworkParameters {
  const parameters: NetworkParameters = {};
  for (const p of spec.parameters) {
    const value = valuesOf(p);
    // Variables are not given tfjs names: names are process-global and two networks would collide.
    parameters[p.name] =
      value instanceof tf.Tensor
        ? tf.tidy(() => tf.variable(tf.reshape(value, p.shape), p.trainable))
        : tf.tidy(() => tf.variable(tf.tensor(value, p.shape, 'float32'), p.trainable));
  }
  return parameters;
}

/** The trainable variables in spec order (what gradients are taken with respect to). */
export function trainableVariables(spec: NetworkSpec, parameters: NetworkParameters): tf.Variable[] {
  return spec.parameters.filter((p) => p.trainable).map((p) => parameters[p.name]);
}

export function disposeParameters(parameters: NetworkParameters): void {
  for (const v of Object.values(parameters)) v.dispose();
}
