import { tf, usageError } from '@procrustes/core';
import { convSingularValuesOf } from './conv-singular-values.js';
import { checkInputSize, checkKernel, readKernel, type KernelData, type KernelInput } from './kernel.js';
import { projectKernelMeasured, type SpectrumTarget } from './project-conv-spectrum.js';

export interface RepeatedProjectionOptions {
  /** The largest relative deviation from the target that is accepted (default 0.01). */
  tolerance?: number;
  /** Projections at most (default 200). */
  maxRounds?: number;
}

export interface RepeatedProjection<K> {
  kernel: K;
  /** Projections done. */
  rounds: number;
  /** The kernel's largest and smallest singular value at `inputSize` after the last round. */
  largest: number;
  smallest: number;
  /**
   * How far the spectrum is from the target, relative to it: max |σ/scale − 1| (Procrustes) or
   * max(σ_max/max − 1, 0) (clip).
   */
  deviation: number;
  /** Whether `deviation` reached `tolerance` within `maxRounds`. */
  converged: boolean;
}

function deviationOf(largest: number, smallest: number, target: SpectrumTarget): number {
  if (target.mode === 'clip') return target.max === 0 ? largest : Math.max(largest / target.max - 1, 0);
  return Math.max(Math.abs(largest / target.scale - 1), Math.abs(smallest / target.scale - 1));
}

/**
 * One projection (`projectConvSpectrum`) sets the singular values of the kernel's DFT exactly,
 * but cutting its inverse back to the kernel's k×k support moves them again (for a random 3×3
 * kernel at 8×8 they spread over 0.04–1.39 after one Procrustes projection with scale 1).
 * This alternates the two projections, spectrum then support, until the cut kernel's spectrum
 * is within `tolerance` of the target or `maxRounds` is reached, and reports where it stopped:
 * a k×k kernel cannot reach every spectrum, so `converged` may be false.
 */
export async function projectConvSpectrumRepeated(
  kernel: tf.Tensor,
  inputSize: readonly number[],
  target: SpectrumTarget,
  options?: RepeatedProjectionOptions,
): Promise<RepeatedProjection<tf.Tensor4D>>;
export async function projectConvSpectrumRepeated(
  kernel: KernelData,
  inputSize: readonly number[],
  target: SpectrumTarget,
  options?: RepeatedProjectionOptions,
): Promise<RepeatedProjection<KernelData>>;
export async function projectConvSpectrumRepeated(
  kernel: KernelInput,
  inputSize: readonly number[],
  target: SpectrumTarget,
  options: RepeatedProjectionOptions = {},
): Promise<RepeatedProjection<tf.Tensor4D | KernelData>> {
  const repeated = projectKernelRepeated(await readKernel(kernel), inputSize, target, options);
  const result = kernel instanceof tf.Tensor ? tf.tensor4d(Float32Array.from(repeated.kernel.data), repeated.kernel.shape) : repeated.kernel;
  return { ...repeated, kernel: result };
}

/** `projectConvSpectrumRepeated` on a kernel on the host, synchronously (for tfjs-layers constraints, whose `apply` is synchronous). */
export function projectKernelRepeated(
  kernel: KernelData,
  inputSize: readonly number[],
  target: SpectrumTarget,
  options: RepeatedProjectionOptions = {},
): RepeatedProjection<KernelData> {
  const tolerance = options.tolerance ?? 0.01;
  const maxRounds = options.maxRounds ?? 200;
  if (!(tolerance >= 0)) throw usageError(`tolerance must be a non-negative number, got ${tolerance}`);
  if (!(Number.isInteger(maxRounds) && maxRounds >= 1)) throw usageError(`maxRounds must be a positive integer, got ${maxRounds}`);
  let current = checkKernel(kernel);
  const size = checkInputSize(inputSize, current, 1);
  // Each projection reports its input's extremes: the round that finds the kernel within the
  // tolerance keeps the kernel it was given, and only the last kernel is measured on its own.
  let rounds = 0;
  let largest = 0;
  let smallest = 0;
  let deviation = Number.POSITIVE_INFINITY;
  while (rounds < maxRounds) {
    const projected = projectKernelMeasured(current, size, target);
    ({ largest, smallest } = projected);
    deviation = deviationOf(largest, smallest, target);
    if (deviation <= tolerance) break;
    current = projected.kernel;
    rounds++;
  }
  if (rounds === maxRounds) {
    const values = convSingularValuesOf(current, size);
    largest = values[0]!;
    smallest = values[values.length - 1]!;
    deviation = deviationOf(largest, smallest, target);
  }
  return { kernel: current, rounds, largest, smallest, deviation, converged: deviation <= tolerance };
}
