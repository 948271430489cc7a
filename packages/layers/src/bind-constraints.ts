import { usageError } from '@procrustes/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ConvGeometry } from './conv-geometry.js';
import { SpectralConstraint } from './spectral-constraint.js';

type Layer = tfl.layers.Layer;

/** The geometry of a Conv2D layer as tfjs computes it, from its config and its input. */
export function convGeometryOf(layer: Layer): ConvGeometry {
  const config = layer.getConfig() as { strides?: number | number[]; padding?: string; dataFormat?: string; dilationRate?: number | number[] };
  const where = `layer '${layer.name}' (${layer.getClassName()})`;
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast')
    throw usageError(`${where} is channelsFirst: spectral constraints support channelsLast convolutions`);
  const dilation = [config.dilationRate ?? 1].flat();
  if (dilation.some((d) => d !== 1)) throw usageError(`${where} is dilated (${dilation.join('×')}): spectral constraints support undilated convolutions`);
  if (config.padding !== 'same' && config.padding !== 'valid') throw usageError(`${where} pads '${config.padding}': spectral constraints support 'same' and 'valid'`);
  let shape: readonly (number | null)[];
  try {
    shape = (layer.input as tfl.SymbolicTensor).shape;
  } catch (error) {
    throw usageError(`${where} is used more than once or not yet connected (${(error as Error).message}): pass inputSize to its constraint`);
  }
  const [height, width] = [shape[1], shape[2]];
  if (typeof height !== 'number' || typeof width !== 'number') throw usageError(`${where} has an input of unknown size [${shape}]: pass inputSize to its constraint`);
  const strides = [config.strides ?? 1].flat();
  return { inputSize: [height, width], strides: [strides[0]!, strides[1] ?? strides[0]!], padding: config.padding };
}

/** The variables of a layer that have a constraint, with it. */
export function constrainedWeights(layer: Layer): tfl.LayerVariable[] {
  return layer.weights.filter((variable) => variable.constraint != null);
}

/**
 * Gives each spectral constraint of the model the geometry of its layer (input size, strides,
 * padding), so that its guarantee is about the operator the layer computes. Returns the layers
 * bound. `constraintsCallback` calls it when training begins.
 */
export function bindConstraints(model: { layers: Layer[] }): string[] {
  const bound: string[] = [];
  for (const layer of model.layers) {
    for (const variable of constrainedWeights(layer)) {
      if (!(variable.constraint instanceof SpectralConstraint) || variable.shape.length !== 4) continue;
      variable.constraint.bind(layer.name, convGeometryOf(layer));
      bound.push(layer.name);
    }
  }
  return bound;
}
