import * as tf from '@tensorflow/tfjs-core';
import { forward, type UnitTap } from './forward.js';
import { softmaxCrossEntropy } from './loss.js';
import { trainableVariables, type NetworkParameters } from './parameters.js';
import type { NetworkSpec } from './spec.js';

export interface LossAndGradients {
  loss: tf.Scalar;
  logits: tf.Tensor2D;
  /** Gradients by weight name, for the trainable parameters. */
  gradients: Record<string, tf.Tensor>;
  /** New running statistics by weight name. */
  statistics: Map<string, tf.Tensor1D>;
}

/**
 * One forward and backward pass in training mode. Every returned tensor is the caller's to
 * dispose (see `disposeLossAndGradients`); intermediates are freed here.
 */
export function lossAndGradients(
  spec: NetworkSpec,
  parameters: NetworkParameters,
  inputs: tf.Tensor4D,
  labels: tf.Tensor1D,
  options: { tap?: UnitTap; recomputeUnits?: boolean; autodiffUnits?: boolean } = {},
): LossAndGradients {
  const variables = trainableVariables(spec, parameters);
  let logits: tf.Tensor2D | undefined;
  let statistics = new Map<string, tf.Tensor1D>();
  const { value, grads } = tf.variableGrads(() => {
    const result = forward(spec, parameters, inputs, { training: true, tap: options.tap, recomputeUnits: options.recomputeUnits, autodiffUnits: options.autodiffUnits });
    logits = tf.keep(result.logits);
    statistics = result.statistics;
    for (const s of statistics.values()) tf.keep(s);
    return softmaxCrossEntropy(result.logits, labels);
  }, variables);
  const gradients: Record<string, tf.Tensor> = {};
  const byVariable = new Map(spec.parameters.filter((p) => p.trainable).map((p) => [parameters[p.name].name, p.name]));
  for (const [variableName, gradient] of Object.entries(grads)) {
    gradients[byVariable.get(variableName)!] = gradient;
  }
  return { loss: value, logits: logits!, gradients, statistics };
}

export function disposeLossAndGradients(result: LossAndGradients): void {
  result.loss.dispose();
  result.logits.dispose();
  for (const g of Object.values(result.gradients)) g.dispose();
  for (const s of result.statistics.values()) s.dispose();
}

/** Writes new running statistics into the parameters and frees them. */
export function assignStatistics(parameters: NetworkParameters, statistics: Map<string, tf.Tensor1D>): void {
  for (const [name, value] of statistics) {
    parameters[name].assign(value);
    value.dispose();
  }
  statistics.clear();
}
