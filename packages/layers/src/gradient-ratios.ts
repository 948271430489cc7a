import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { usageError } from '@procrustes/core';
import { createGradientTap, type ProbeRecord, probeRecordOf, unitNormRatios } from '@procrustes/probes';
import { type Boundary, namedBoundaries, residualBoundaries, runGraph } from './model-graph.js';
import { compiledLossFunctions } from './tfjs-internals.js';

export interface GradientRatiosOptions {
  /** Layer names whose outputs are the block boundaries x_0 … x_L (default: found from the model's Add layers). */
  boundaries?: readonly string[];
  /** The loss E (per sample or mean); default: the loss the model was compiled with. */
  loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /** Run layers in training mode (batch statistics, dropout), as in a training step (default true). */
  training?: boolean;
  /** Step and epoch written in the record (default 0). */
  step?: number;
  epoch?: number;
}

function lossOf(model: tfl.LayersModel, options: GradientRatiosOptions): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  if (options.loss !== undefined) return options.loss;
  const compiled = compiledLossFunctions(model);
  if (compiled === undefined || compiled.length === 0) throw usageError('the model is not compiled: compile it with a loss, or pass loss to gradientRatios');
  if (compiled.length > 1) throw usageError(`the model has ${compiled.length} outputs: pass one loss over them (loss) to gradientRatios`);
  return compiled[0]!;
}

/**
 * Per-sample gradient norm ratios r_l = ‖∂E/∂x_l‖/‖∂E/∂x_{l+1}‖ at the block boundaries of any
 * LayersModel, for one batch: the paper's measurement on a user's model. One forward pass (in
 * training mode by default, as in a training step) and one backward pass to the input, with an
 * identity tap at each boundary that records the per-sample norm of the gradient through it.
 * The model is left as it was (batch norm's moving statistics are restored), and no tensor is
 * left behind. Returns a record in the format the report package draws (`probes.jsonl`).
 */
export async function gradientRatios(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, options: GradientRatiosOptions = {}): Promise<ProbeRecord> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw usageError(`gradientRatios takes models with one input and one output; this one has ${model.inputs.length} and ${model.outputs.length}`);
  const loss = lossOf(model, options);
  const boundaries: Boundary[] = options.boundaries === undefined ? residualBoundaries(model) : namedBoundaries(model, options.boundaries);
  const indexOf = new Map(boundaries.map((boundary, index) => [boundary.tensor.id, index]));
  const tap = createGradientTap();
  // Training-mode batch norm updates its moving statistics: they are put back afterwards.
  const saved = model.nonTrainableWeights.map((variable) => tf.clone(variable.read()));
  let lossValue: number;
  try {
    const value = tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((input: tf.Tensor) => {
        const [prediction] = runGraph(model, [input], {
          training: options.training ?? true,
          visit: (symbolic, tensor) => {
            const index = indexOf.get(symbolic.id);
            return index === undefined ? tensor : (tap.tap(tensor as tf.Tensor4D, index, undefined) as tf.Tensor);
          },
        });
        return tf.mean(loss(y, prediction!)) as tf.Scalar;
      })(x);
      grad.dispose();
      return value;
    });
    // Read without blocking the thread (a probe runs between training steps).
    lossValue = (await value.data())[0]!;
    value.dispose();
    const units = boundaries.slice(0, -1).map((_, index) => ({ index, kind: 'block' }));
    const ratios = await unitNormRatios(units, tap);
    const spatial = (b: Boundary) => JSON.stringify(b.tensor.shape.slice(1, -1));
    return probeRecordOf({ step: options.step ?? 0, epoch: options.epoch ?? 0, loss: lossValue }, ratios, (index) => ({
      name: boundaries[index]!.name,
      ...(spatial(boundaries[index]!) !== spatial(boundaries[index + 1]!) ? { downsamples: true } : {}),
    }));
  } finally {
    tap.dispose();
    for (const [i, variable] of model.nonTrainableWeights.entries()) variable.write(saved[i]!);
    tf.dispose(saved);
  }
}
