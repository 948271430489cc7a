import type * as tfl from '@tensorflow/tfjs-layers';
import { usageError } from '@procrustes/core';
import { convOperatorNorm } from '@procrustes/spectral';
import { convGeometryOf } from './bind-constraints.js';
import { tfjsPadding } from './conv-geometry.js';

/**
 * The largest singular value of a Conv2D layer's operator as tfjs computes it: its input size,
 * strides and padding (tfjs's 'same', asymmetric at stride 2 on even sizes), by power iteration
 * on the active backend (`convOperatorNorm` with the layer's explicit padding). The bias is not
 * part of the operator.
 */
export async function layerOperatorNorm(layer: tfl.layers.Layer, options: { tolerance?: number; maxIterations?: number } = {}): Promise<number> {
  const geometry = convGeometryOf(layer);
  const [kernel] = layer.getWeights();
  if (kernel === undefined || kernel.rank !== 4) throw usageError(`layer '${layer.name}' has no Conv2D kernel`);
  const [strideHeight, strideWidth] = geometry.strides;
  if (strideHeight !== strideWidth) throw usageError(`layer '${layer.name}' has strides ${strideHeight}×${strideWidth}: layerOperatorNorm supports equal strides`);
  const padding = [0, 1].map((axis) => tfjsPadding(geometry.inputSize[axis]!, kernel.shape[axis]!, geometry.strides[axis]!, geometry.padding)) as [
    [number, number],
    [number, number],
  ];
  return convOperatorNorm(kernel, geometry.inputSize, { stride: strideHeight, padding, ...options });
}
