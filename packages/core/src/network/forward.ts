import * as tf from '@tensorflow/tfjs-core';
import { batchNorm } from '../layers/batch-norm.js';
import { conv2d } from '../layers/conv2d.js';
import { dense } from '../layers/dense.js';
import { globalAveragePool } from '../layers/global-average-pool.js';
import type { NetworkSpec, UnitSpec } from './spec.js';
import { applyUnitWithOwnBackward, type UnitLayers } from './unit-backward.js';
import { engineState } from '../tfjs-internals.js';

/**
 * Called with x_l, the input of unit l (l = 0 … L-1), and with x_L, the input of the head
 * (`unit` undefined). Whatever it returns flows on: probes return an identity tap whose
 * gradient they record.
 */
export type UnitTap = (x: tf.Tensor4D, index: number, unit: UnitSpec | undefined) => tf.Tensor4D;

export interface ForwardOptions {
  training: boolean;
  tap?: UnitTap;
  /**
   * Training only: keep just each unit's input for the backward pass and recompute the unit's
   * inside when its gradient is needed (gradient checkpointing per unit). Trades one more
   * forward pass of the units for memory: the backward pass no longer holds every unit's
   * activations at once.
   */
  recomputeUnits?: boolean;
  /**
   * Training only: leave each unit's gradient to tfjs's autodiff, which holds every
   * intermediate gradient until the backward pass ends, instead of the unit's own backward
   * pass (the default). For comparisons and tests; the gradients are the same.
   */
  autodiffUnits?: boolean;
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** New running statistics by weight name (training mode only); assign them after the step. */
  statistics: Map<string, tf.Tensor1D>;
}

/** The network's forward pass, from NHWC images to logits. */
export function forward(spec: NetworkSpec, parameters: Readonly<Record<string, tf.Tensor>>, x: tf.Tensor4D, options: ForwardOptions): ForwardResult {
  const [height, width, channels] = spec.config.inputShape;
  if (x.rank !== 4 || x.shape[1] !== height || x.shape[2] !== width || x.shape[3] !== channels) {
    throw new RangeError(`${spec.name} expects input [batch, ${height}, ${width}, ${channels}], got [${x.shape}]`);
  }
  const layers = layerContext(parameters, options.training);

  let h = layers.convolve(x, spec.stem.convolution.name, 1);
  if (spec.stem.batchNorm) h = layers.preActivation(h, 'stem/bn');

  const recompute = options.training && options.recomputeUnits === true;
  // Inference keeps no tape: each unit's intermediates and the unit before it go as soon as it
  // is done, so evaluating a 1001-layer network holds one unit's activations, not all of them.
  const freeAsWeGo = !options.training && !options.tap;
  for (const unit of spec.units) {
    if (options.tap) h = options.tap(h, unit.index, unit);
    if (freeAsWeGo) {
      const previous = h;
      h = tf.tidy(() => applyUnit(unit, previous, layers));
      if (previous !== x) previous.dispose();
      continue;
    }
    if (recompute) h = applyUnitWithRecomputation(spec, unit, h, parameters, layers.statistics);
    else if (options.training && !options.autodiffUnits) h = applyUnitWithOwnBackward(spec, unit, h, parameters, layers.statistics, applyUnit);
    else h = applyUnit(unit, h, layers);
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

interface LayerContext extends UnitLayers {
  weight(name: string): tf.Tensor;
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
      { training, relu: true },
    );
    if (result.movingMean && result.movingVariance) {
      statistics.set(`${prefix}/moving_mean`, result.movingMean);
      statistics.set(`${prefix}/moving_variance`, result.movingVariance);
    }
    return result.y;
  };
  const convolve = (h: tf.Tensor4D, name: string, stride: number): tf.Tensor4D => conv2d(h, weight(name) as tf.Tensor4D, stride);
  const add = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => tf.add(a, b);
  return { weight, preActivation, convolve, add, statistics };
}

function applyUnit(unit: UnitSpec, x: tf.Tensor4D, layers: UnitLayers): tf.Tensor4D {
  if (unit.kind === 'transition') {
    const conv = unit.convolutions[0];
    return layers.convolve(x, conv.name, conv.stride);
  }
  let h = x;
  unit.convolutions.forEach((conv, k) => {
    h = layers.convolve(layers.preActivation(h, `${unit.prefix}/bn${k + 1}`), conv.name, conv.stride);
  });
  if (unit.shortcut === 'identity') return layers.add(h, x);
  if (unit.shortcut === 'projection') {
    const conv = unit.shortcutConvolution!;
    return layers.add(h, layers.convolve(layers.preActivation(x, `${unit.prefix}/shortcut/bn`), conv.name, conv.stride));
  }
  return h;
}

/**
 * A unit as one gradient node that saves only its input and weights. tfjs keeps every
 * intermediate of a backward pass until the pass ends; here a unit's intermediates live only
 * while its own gradient is computed (recomputed under a nested tf.grads).
 */
function applyUnitWithRecomputation(
  spec: NetworkSpec,
  unit: UnitSpec,
  x: tf.Tensor4D,
  parameters: Readonly<Record<string, tf.Tensor>>,
  statistics: Map<string, tf.Tensor1D>,
): tf.Tensor4D {
  const names = spec.parameters.filter((p) => p.trainable && p.name.startsWith(`${unit.prefix}/`)).map((p) => p.name);
  const run = (input: tf.Tensor4D, weights: tf.Tensor[]) => {
    // The unit's weights over the network's, without copying the whole table for every unit.
    const local: Record<string, tf.Tensor> = Object.create(parameters);
    names.forEach((name, i) => {
      local[name] = weights[i];
    });
    const layers = layerContext(local, true);
    return { y: applyUnit(unit, input, layers), statistics: layers.statistics };
  };
  const node = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [input, ...weights] = args as [tf.Tensor4D, ...tf.Tensor[]];
    const result = run(input, weights);
    for (const [name, value] of result.statistics) statistics.set(name, tf.keep(value));
    save([input, ...weights]);
    return {
      value: result.y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedInput, ...savedWeights] = saved as [tf.Tensor4D, ...tf.Tensor[]];
          const unitOutput = (a: tf.Tensor, ...b: tf.Tensor[]) => {
            const again = run(a as tf.Tensor4D, b);
            tf.dispose([...again.statistics.values()]);
            return again.y;
          };
          return withNestedGradients(() => tf.grads(unitOutput)([savedInput, ...savedWeights], dy));
        }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return node(x, ...names.map((name) => parameters[name])) as tf.Tensor4D;
}

/**
 * tfjs's engine starts a fresh tape for a gradient computation that begins while none is being
 * recorded, and clears it afterwards. A tf.grads inside a custom gradient runs while the outer
 * backward pass still needs its tape, so the outer tape is put back when the inner one is done.
 */
function withNestedGradients<T>(compute: () => T): T {
  const state = engineState();
  const outerTape = state.activeTape;
  try {
    return compute();
  } finally {
    state.activeTape = outerTape;
  }
}
