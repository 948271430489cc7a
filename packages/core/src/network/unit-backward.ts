import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrainingBackward, batchNormTrainingForward, updatedMovingStatistics } from '../layers/batch-norm.js';
import { conv2d, conv2dGradients } from '../layers/conv2d.js';
import type { NetworkSpec, UnitSpec } from './spec.js';

/** The layers a unit is made of, as `applyUnit` calls them. */
export interface UnitLayers {
  preActivation(h: tf.Tensor4D, prefix: string): tf.Tensor4D;
  convolve(h: tf.Tensor4D, name: string, stride: number): tf.Tensor4D;
  add(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D;
}

const EPSILON = 1e-5;
const MOMENTUM = 0.1;

/**
 * One step of a unit's own tape. Tensors are named by slot (a number per tensor the unit
 * makes); `saved` indexes what the step needs from the forward pass in the list the engine keeps.
 */
type TapeStep =
  | { kind: 'batchNorm'; input: number; output: number; prefix: string; saved: number[] }
  | { kind: 'convolution'; input: number; output: number; name: string; stride: number; savedInput: number }
  | { kind: 'add'; inputs: [number, number]; output: number };

interface UnitTape {
  steps: TapeStep[];
  slots: Map<tf.Tensor, number>;
  saved: tf.Tensor[];
}

function slotOf(tape: UnitTape, t: tf.Tensor): number {
  let slot = tape.slots.get(t);
  if (slot === undefined) {
    slot = tape.slots.size;
    tape.slots.set(t, slot);
  }
  return slot;
}

function keepForBackward(tape: UnitTape, t: tf.Tensor): number {
  tape.saved.push(t);
  return tape.saved.length - 1;
}

/**
 * A unit as one gradient node that runs its own backward pass: its layers are recorded on a
 * small tape while the forward pass runs, and the gradient walks that tape backwards, freeing
 * each intermediate gradient as soon as it has been used and the unit's saved activations once
 * the unit is done. tfjs's engine keeps every intermediate gradient and every saved activation
 * of a backward pass until the pass ends; this keeps the peak at the forward pass's activations,
 * as PyTorch's autograd does, at the same speed (the same kernels, nothing recomputed).
 */
export function applyUnitWithOwnBackward(
  spec: NetworkSpec,
  unit: UnitSpec,
  x: tf.Tensor4D,
  parameters: Readonly<Record<string, tf.Tensor>>,
  statistics: Map<string, tf.Tensor1D>,
  applyUnit: (unit: UnitSpec, x: tf.Tensor4D, layers: UnitLayers) => tf.Tensor4D,
): tf.Tensor4D {
  const names = spec.parameters.filter((p) => p.trainable && p.name.startsWith(`${unit.prefix}/`)).map((p) => p.name);
  const weightIndex = new Map(names.map((name, i) => [name, i]));
  const weight = (name: string): tf.Tensor => {
    const value = parameters[name];
    if (!value) throw new Error(`parameter '${name}' is missing`);
    return value;
  };
  const node = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [input, ...weights] = args as [tf.Tensor4D, ...tf.Tensor[]];
    // The weights come first in the saved list, so that a step finds them by their index.
    const tape: UnitTape = { steps: [], slots: new Map(), saved: [...weights] };
    const local = (name: string) => weights[weightIndex.get(name)!] ?? weight(name);
    const inputSlot = slotOf(tape, input);
    const layers: UnitLayers = {
      preActivation(h, prefix) {
        const gamma = local(`${prefix}/gamma`) as tf.Tensor1D;
        const result = batchNormTrainingForward(h, gamma, local(`${prefix}/beta`) as tf.Tensor1D, EPSILON, true);
        const moving = updatedMovingStatistics(
          { movingMean: weight(`${prefix}/moving_mean`) as tf.Tensor1D, movingVariance: weight(`${prefix}/moving_variance`) as tf.Tensor1D },
          result.mean,
          result.variance,
          h.shape[0] * h.shape[1] * h.shape[2],
          MOMENTUM,
        );
        statistics.set(`${prefix}/moving_mean`, tf.keep(moving.movingMean));
        statistics.set(`${prefix}/moving_variance`, tf.keep(moving.movingVariance));
        tape.steps.push({ kind: 'batchNorm', input: slotOf(tape, h), output: slotOf(tape, result.y), prefix, saved: result.saved.map((t) => keepForBackward(tape, t)) });
        return result.y;
      },
      convolve(h, name, stride) {
        const y = conv2d(h, local(name) as tf.Tensor4D, stride);
        tape.steps.push({ kind: 'convolution', input: slotOf(tape, h), output: slotOf(tape, y), name, stride, savedInput: keepForBackward(tape, h) });
        return y;
      },
      add(a, b) {
        const y = tf.add(a, b) as tf.Tensor4D;
        tape.steps.push({ kind: 'add', inputs: [slotOf(tape, a), slotOf(tape, b)], output: slotOf(tape, y) });
        return y;
      },
    };
    const y = applyUnit(unit, input, layers);
    const outputSlot = slotOf(tape, y);
    save(tape.saved);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const gradients = tf.tidy(() => walkBackwards(tape.steps, saved, names, weightIndex, inputSlot, outputSlot, dy as tf.Tensor4D));
        // Each unit's gradient runs once per backward pass: what it saved can go now, not when
        // the whole pass ends (the engine's later dispose of these clones does nothing).
        tf.dispose(saved);
        return gradients;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return node(x, ...names.map(weight)) as tf.Tensor4D;
}

/** The tape in reverse: returns [d input, d weight for each name]. */
function walkBackwards(
  steps: TapeStep[],
  saved: tf.Tensor[],
  names: string[],
  weightIndex: Map<string, number>,
  inputSlot: number,
  outputSlot: number,
  dy: tf.Tensor4D,
): tf.Tensor[] {
  const gradients = new Map<number, tf.Tensor4D>([[outputSlot, dy]]);
  const weightGradients = new Map<string, tf.Tensor>();
  const accumulate = (slot: number, g: tf.Tensor4D) => {
    const current = gradients.get(slot);
    if (!current) {
      gradients.set(slot, g);
      return;
    }
    gradients.set(slot, tf.add(current, g) as tf.Tensor4D);
    release(current);
    release(g);
  };
  // dy belongs to the engine's backward pass, which still holds it.
  const release = (g: tf.Tensor) => {
    if (g !== dy) g.dispose();
  };
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    const g = gradients.get(step.output);
    if (!g) continue;
    gradients.delete(step.output);
    if (step.kind === 'add') {
      // Both inputs receive g itself; it is released once both have been consumed.
      accumulate(step.inputs[0], step.inputs[0] === step.inputs[1] ? (tf.add(g, g) as tf.Tensor4D) : g);
      if (step.inputs[0] !== step.inputs[1]) accumulate(step.inputs[1], g === dy ? g : (tf.clone(g) as tf.Tensor4D));
      continue;
    }
    if (step.kind === 'convolution') {
      const kernel = saved[weightIndex.get(step.name)!] as tf.Tensor4D;
      const { dx, dKernel } = conv2dGradients(saved[step.savedInput] as tf.Tensor4D, kernel, step.stride, g);
      weightGradients.set(step.name, dKernel);
      release(g);
      accumulate(step.input, dx);
      continue;
    }
    const [dx, dGamma, dBeta] = batchNormTrainingBackward(
      g,
      step.saved.map((k) => saved[k]),
      EPSILON,
      true,
    );
    weightGradients.set(`${step.prefix}/gamma`, dGamma);
    weightGradients.set(`${step.prefix}/beta`, dBeta);
    release(g);
    accumulate(step.input, dx as tf.Tensor4D);
  }
  const dInput = gradients.get(inputSlot);
  if (!dInput) throw new Error('internal: the unit output does not depend on its input');
  return [dInput, ...names.map((name) => weightGradients.get(name) ?? tf.zerosLike(saved[weightIndex.get(name)!]))];
}
