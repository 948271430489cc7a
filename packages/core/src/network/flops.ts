import type { NetworkSpec } from './spec.js';

/**
 * Floating-point operations of one forward pass for one image: 2 per multiply–add of every
 * convolution and of the classifier (batch norm, ReLU and additions are ignored: they are
 * a few per activation against hundreds per output pixel of a convolution).
 */
export function forwardFlopsPerImage(spec: NetworkSpec): number {
  const convolutions = [spec.stem.convolution, ...spec.units.flatMap((u) => [...u.convolutions, ...(u.shortcutConvolution ? [u.shortcutConvolution] : [])])];
  const convolutionFlops = convolutions.reduce((total, c) => total + 2 * c.outputSize[0] * c.outputSize[1] * c.kernelSize * c.kernelSize * c.inChannels * c.outChannels, 0);
  return convolutionFlops + 2 * spec.head.channels * spec.head.classes;
}

/** A training step costs about three forward passes (forward, input gradient, weight gradient). */
export function trainingStepFlops(spec: NetworkSpec, batch: number): number {
  return 3 * batch * forwardFlopsPerImage(spec);
}
