import { forward, softmaxCrossEntropy, tf, trainableVariables, type NetworkParameters, type NetworkSpec } from '@procrustes/core';
import { createGradientTap } from './gradient-tap.js';
import { normRatios, type NormRatios } from './norm-ratios.js';

/**
 * The standalone probe: one forward and backward pass (training mode, mean cross-entropy) on
 * one batch, returning the per-unit gradient and forward norm ratios. Parameters are not
 * changed (running statistics are not assigned). `recomputeUnits` keeps only unit inputs for
 * the backward pass (for networks as deep as 1001 layers).
 */
export async function probeBatch(
  spec: NetworkSpec,
  parameters: NetworkParameters,
  inputs: tf.Tensor4D,
  labels: tf.Tensor1D,
  options: { recomputeUnits?: boolean } = {},
): Promise<NormRatios> {
  const tap = createGradientTap();
  const variables = trainableVariables(spec, parameters);
  const { value, grads } = tf.variableGrads(() => {
    const result = forward(spec, parameters, inputs, { training: true, tap: tap.tap, recomputeUnits: options.recomputeUnits });
    for (const s of result.statistics.values()) s.dispose();
    return softmaxCrossEntropy(result.logits, labels);
  }, variables);
  tf.dispose([value, ...Object.values(grads)]);
  const ratios = await normRatios(spec, tap);
  tap.dispose();
  return ratios;
}
