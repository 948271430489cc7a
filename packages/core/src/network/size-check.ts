import type { NetworkSpec } from './spec.js';

/** The most bytes one tensor may take: 2 GiB (the WASM heap is 4 GiB in all, and typed arrays stop near there too). */
export const MAX_TENSOR_BYTES = 2 ** 31;

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Why a network cannot be trained at this batch size on any backend here (a weight or an
 * activation larger than one tensor can be, or weights, momentum and gradients over 4 GiB),
 * or undefined. Checked before anything is allocated, so absurd sizes fail with a message
 * instead of an allocation error minutes later.
 */
export function trainingSizeProblem(spec: NetworkSpec, batchSize: number): string | undefined {
  const [h, w, c] = spec.config.inputShape;
  const tensors: Array<[string, number]> = [[`the input batch (${batchSize}×${h}×${w}×${c})`, batchSize * h * w * c]];
  for (const p of spec.parameters) tensors.push([`the weight '${p.name}' [${p.shape.join('×')}]`, p.shape.reduce((a, b) => a * b, 1)]);
  const convolutions = [spec.stem.convolution, ...spec.units.flatMap((u) => [...u.convolutions, ...(u.shortcutConvolution ? [u.shortcutConvolution] : [])])];
  for (const conv of convolutions) {
    tensors.push([
      `the output of '${conv.name}' (${batchSize}×${conv.outputSize[0]}×${conv.outputSize[1]}×${conv.outChannels})`,
      batchSize * conv.outputSize[0] * conv.outputSize[1] * conv.outChannels,
    ]);
  }
  for (const [what, elements] of tensors) {
    if (elements * 4 > MAX_TENSOR_BYTES) return `${what} would take ${gib(elements * 4)}, more than one tensor can hold (${gib(MAX_TENSOR_BYTES)})`;
  }
  const weights = spec.parameters.reduce((total, p) => total + p.shape.reduce((a, b) => a * b, 1), 0);
  // Weights, momentum and gradients are alive together in every step.
  if (3 * 4 * weights > 2 * MAX_TENSOR_BYTES)
    return `its ${weights.toLocaleString('en-US')} weights with momentum and gradients would take ${gib(12 * weights)}, more than the 4 GiB a backend here can hold`;
  return undefined;
}
