import { createParameters, disposeLossAndGradients, disposeParameters, lossAndGradients, tf, unitForward, type NetworkSpec } from '@procrustes/core';
import type { NamedValues } from './compare.js';
import { parameterValues, randomLabels, randomValues, type UnitCase } from './fixtures.js';

async function toHost(tensors: Record<string, tf.Tensor>): Promise<NamedValues> {
  const out: NamedValues = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = { shape: [...t.shape], values: Float32Array.from((await t.data()) as Float32Array) };
  }
  return out;
}

/**
 * A unit's output and the gradients of ⟨y, r⟩ (r a fixed random tensor) with respect to its
 * input and every parameter it uses, in training mode, on the active backend.
 */
export async function unitForwardAndGradients(unitCase: UnitCase, batch = 3): Promise<NamedValues> {
  const { network, unit } = unitCase;
  const values = parameterValues(network, 11);
  const [h, w] = unit.inputSize;
  const x = tf.tensor4d(randomValues(batch * h * w * unit.inChannels, 12), [batch, h, w, unit.inChannels]);
  const used = network.parameters.filter((p) => p.name.startsWith(`${unit.prefix}/`));
  const parameters: Record<string, tf.Tensor> = {};
  for (const p of used) parameters[p.name] = tf.tensor(values.get(p.name)!, p.shape);
  const trainable = used.filter((p) => p.trainable);
  const [oh, ow] = unit.outputSize;
  const projection = tf.tensor4d(randomValues(batch * oh * ow * unit.outChannels, 13), [batch, oh, ow, unit.outChannels]);

  const result = tf.tidy(() => {
    let output: tf.Tensor | undefined;
    const gradients = tf.grads((input: tf.Tensor, ...weights: tf.Tensor[]) => {
      const bound = { ...parameters };
      trainable.forEach((p, i) => {
        bound[p.name] = weights[i];
      });
      const { y, statistics } = unitForward(unit, bound, input as tf.Tensor4D, { training: true });
      output = tf.keep(y);
      for (const s of statistics.values()) s.dispose();
      return tf.sum(tf.mul(y, projection));
    })([x, ...trainable.map((p) => parameters[p.name])]);
    const named: Record<string, tf.Tensor> = { output: output!, 'gradient/input': gradients[0] };
    trainable.forEach((p, i) => {
      named[`gradient/${p.name}`] = gradients[i + 1];
    });
    return named;
  });
  const host = await toHost(result);
  tf.dispose([x, projection, ...Object.values(parameters), ...Object.values(result)]);
  return host;
}

/**
 * One SGD step (learning rate 0.1, no momentum) of a network on a seeded batch, on the active
 * backend: the loss, every gradient, the updated weights and running statistics.
 */
export async function sgdStep(network: NetworkSpec, batch: number, learningRate = 0.1): Promise<NamedValues> {
  const values = parameterValues(network, 21);
  const parameters = createParameters(network, (p) => values.get(p.name)!);
  const [h, w, c] = network.config.inputShape;
  const x = tf.tensor4d(randomValues(batch * h * w * c, 22), [batch, h, w, c]);
  const y = tf.tensor1d(randomLabels(batch, network.config.classes, 23), 'int32');
  const step = lossAndGradients(network, parameters, x, y);
  const named: Record<string, tf.Tensor> = { loss: step.loss };
  for (const [name, g] of Object.entries(step.gradients)) named[`gradient/${name}`] = g;
  for (const [name, s] of step.statistics) named[`statistics/${name}`] = s;
  tf.tidy(() => {
    for (const [name, g] of Object.entries(step.gradients)) parameters[name].assign(tf.sub(parameters[name], tf.mul(g, learningRate)));
  });
  for (const [name, v] of Object.entries(parameters)) if (v.trainable) named[`updated/${name}`] = v;
  const host = await toHost(named);
  disposeLossAndGradients(step);
  disposeParameters(parameters);
  tf.dispose([x, y]);
  return host;
}
