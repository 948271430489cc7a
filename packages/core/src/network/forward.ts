import * as tf from '@tensorflow/tfjs-core';
import { batchNorm } from '../layers/batch-norm.js';
import { conv2d } from '../layers/conv2d.js';
import { dense } from '../layers/dense.js';
import { globalAveragePool } from '../layers/global-average-pool.js';
import { relu } from '../layers/relu.js';
import type { NetworkSpec, UnitSpec } from './spec.js';

/**
 * Called with x_l, the input of unit l (l = 0 … L-1), and with x_L, the input of the head
 * (`unit` undefined). Whatever it returns flows on: probes return an identity tap whose
 * gradient they record.
 */
export type UnitTap = (x: tf.Tensor4D, index: number, unit: UnitSpec | undefined) => tf.Tensor4D;

export interface ForwardOptions {
  training: boolean;
  tap?: UnitTap;
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** New running statistics by weight name (training mode only); assign them after the step. */
  statistics: Map<string, tf.Tensor1D>;
}

/** The network's forward pass, from NHWC images to logits. */
export function forward(
  spec: NetworkSpec,
  parameters: Readonly<Record<string, tf.Tensor>>,
  x: tf.Tensor4D,
  options: ForwardOptions,
): ForwardResult {
  const [height, width, channels] = spec.config.inputShape;
  if (x.rank !== 4 || x.shape[1] !== height || x.shape[2] !== width || x.shape[3] !== channels) {
    throw new RangeError(`${spec.name} expects input [batch, ${height}, ${width}, ${channels}], got [${x.shape}]`);
  }
  const layers = layerContext(parameters, options.training);

  let h = layers.convolve(x, spec.stem.convolution.name, 1);
  if (spec.stem.batchNorm) h = layers.preActivation(h, 'stem/bn');

  for (const unit of spec.units) {
    if (options.tap) h = options.tap(h, unit.index, unit);
    h = applyUnit(unit, h, layers);
  }
  if (options.tap) h = options.tap(h, spec.units.length, undefined);

  const pooled = globalAveragePool(layers.preActivation(h, 'head/bn'));
  const logits = dense(pooled, layers.weight('head/fc/kernel') as tf.Tensor2D, layers.weight('head/fc/bias') as tf.Tensor1D);
  return { logits, statistics: layers.statistics };
}

/** One unit alone: x_l → x_{l+1} (for probes of a unit's Jacobian and for backend checks). */
export function unitForward(
  unit: UnitSpec,
  parameters: Readonly<Record<string, tf.Tensor>>,
  x: tf.Tensor4D,
  options: { training: boolean },
): { y: tf.Tensor4D; statistics: Map<string, tf.Tensor1D> } {
  const layers = layerContext(parameters, options.training);
  return { y: applyUnit(unit, x, layers), statistics: layers.statistics };
}

interface LayerContext {
  weight(name: string): tf.Tensor;
  preActivation(h: tf.Tensor4D, prefix: string): tf.Tensor4D;
  convolve(h: tf.Tensor4D, name: string, stride: number): tf.Tensor4D;
  statistics: Map<string, tf.Tensor1D>;
}

function layerContext(parameters: Record<string, tf.Tensor>, training: boolean): LayerContext {
  const statistics = new Map<string, tf.Tensor1D>();
  const weight = (name: string): tf.Tensor => {
    const value = parameters[name];
    if (!value) throw new Error(`parameter '${name}' is missing`);
    return value;
  };
  const preActivation = (h: tf.Tensor4D, prefix: string): tf.Tensor4D => {
    const result = batchNorm(
      h,
      {
        gamma: weight(`${prefix}/gamma`) as tf.Tensor1D,
        beta: weight(`${prefix}/beta`) as tf.Tensor1D,
        movingMean: weight(`${prefix}/moving_mean`) as tf.Tensor1D,
        movingVariance: weight(`${prefix}/moving_variance`) as tf.Tensor1D,
      },
      { training },
    );
    if (result.movingMean && result.movingVariance) {
      statistics.set(`${prefix}/moving_mean`, result.movingMean);
      statistics.set(`${prefix}/moving_variance`, result.movingVariance);
    }
    return relu(result.y);
  };
  const convolve = (h: tf.Tensor4D, name: string, stride: number): tf.Tensor4D =>
    conv2d(h, weight(name) as tf.Tensor4D, stride);
  return { weight, preActivation, convolve, statistics };
}

function applyUnit(unit: UnitSpec, x: tf.Tensor4D, layers: LayerContext): tf.Tensor4D {
  if (unit.kind === 'transition') {
    const conv = unit.convolutions[0];
    return layers.convolve(x, conv.name, conv.stride);
  }
  let h = x;
  unit.convolutions.forEach((conv, k) => {
    h = layers.convolve(layers.preActivation(h, `${unit.prefix}/bn${k + 1}`), conv.name, conv.stride);
  });
  if (unit.shortcut === 'identity') return tf.add(h, x);
  if (unit.shortcut === 'projection') {
    const conv = unit.shortcutConvolution!;
    return tf.add(h, layers.convolve(layers.preActivation(x, `${unit.prefix}/shortcut/bn`), conv.name, conv.stride));
  }
  return h;
}
