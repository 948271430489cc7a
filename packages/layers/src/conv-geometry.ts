import { usageError } from '@procrustes/core';

/** How a Conv2D layer applies its kernel, as tfjs computes it (channels last, no dilation). */
export interface ConvGeometry {
  /** The layer's input height and width. */
  inputSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
}

/**
 * The zero padding tfjs adds before and after, along one dimension: for 'same', the output has
 * ⌈n/s⌉ positions and the padding needed, max((⌈n/s⌉ − 1)·s + k − n, 0), is split with the
 * smaller half first (so 0 before and 1 after at stride 2 on even sizes); 'valid' adds none.
 */
export function tfjsPadding(size: number, kernelSize: number, stride: number, padding: 'same' | 'valid'): [number, number] {
  if (padding === 'valid') return [0, 0];
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernelSize - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * The side of the periodic grid whose circular (stride-1) convolution contains the layer's
 * operator: the input plus tfjs's padding. On it every output the layer computes reads only the
 * embedded input and its zero padding, never a wrapped value, so the layer's operator is that
 * circular convolution with the input embedded, restricted to the layer's outputs and subsampled
 * by the stride; each of these steps has norm at most 1, so the layer's largest singular value
 * is at most the circular convolution's.
 */
export function circularGridSize(geometry: ConvGeometry, kernelSize: readonly [number, number]): [number, number] {
  return [0, 1].map((axis) => {
    const [before, after] = tfjsPadding(geometry.inputSize[axis]!, kernelSize[axis]!, geometry.strides[axis]!, geometry.padding);
    return Math.max(geometry.inputSize[axis]! + before + after, kernelSize[axis]!);
  }) as [number, number];
}

const pair = (value: number | readonly number[], what: string): [number, number] => {
  const values = typeof value === 'number' ? [value, value] : [...value];
  if (values.length !== 2 || values.some((v) => !Number.isInteger(v) || v <= 0)) throw usageError(`${what} must be a positive integer or two, got ${JSON.stringify(value)}`);
  return values as [number, number];
};

/** Checks and completes a geometry given by a user (a number for both sides is allowed). */
export function checkGeometry(geometry: { inputSize: number | readonly number[]; strides?: number | readonly number[]; padding?: string }): ConvGeometry {
  const padding = geometry.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') throw usageError(`padding '${padding}' is not supported: tfjs's Conv2D pads 'same' or 'valid'`);
  return { inputSize: pair(geometry.inputSize, 'inputSize'), strides: pair(geometry.strides ?? 1, 'strides'), padding };
}
