import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, type BatchNormTrainingAttrs } from '@procrustes/core';
import { getKernel, registerKernel, unregisterKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { nativeKernels, type HeapBackend } from './native-kernels.js';

type Inputs = Record<string, TensorInfo>;

function kernelsOf(backend: object) {
  const native = nativeKernels(backend);
  // Registered only while the kernels are prepared and on (see registerBatchNormTrainingKernels).
  if (!native) throw new Error('batch norm on WASM: the Procrustes kernels are not prepared for this backend');
  return native;
}

function channelsLast(x: TensorInfo): { positions: number; channels: number } {
  const channels = x.shape[x.shape.length - 1];
  return { positions: util.sizeFromShape(x.shape) / channels, channels };
}

/** core's BATCH_NORM_TRAINING with kernels/batch-norm.c: three reads of x, one write of y. */
function batchNormTraining(args: { inputs: Inputs; attrs: BatchNormTrainingAttrs; backend: object }): TensorInfo[] {
  const { x, gamma, beta } = args.inputs;
  const heap = args.backend as HeapBackend;
  const native = kernelsOf(args.backend);
  const { positions, channels } = channelsLast(x);
  const y = heap.makeOutput([...x.shape], 'float32');
  const mean = heap.makeOutput([channels], 'float32');
  const variance = heap.makeOutput([channels], 'float32');
  const scratch = heap.makeOutput([3 * channels], 'float32');
  const at = (t: TensorInfo) => heap.getMemoryOffset(t.dataId);
  native.batchNormForward(at(x), at(gamma), at(beta), at(y), at(mean), at(variance), at(scratch), positions, channels, args.attrs.epsilon, args.attrs.relu ? 1 : 0);
  heap.disposeData(scratch.dataId);
  return [y, mean, variance];
}

/** core's BATCH_NORM_TRAINING_GRAD with kernels/batch-norm.c: two reads of the inputs, one write of dx. */
function batchNormTrainingGrad(args: { inputs: Inputs; attrs: BatchNormTrainingAttrs; backend: object }): TensorInfo[] {
  const { x, y, dy, mean, variance, gamma } = args.inputs;
  const heap = args.backend as HeapBackend;
  const native = kernelsOf(args.backend);
  const { positions, channels } = channelsLast(x);
  const dx = heap.makeOutput([...x.shape], 'float32');
  const dgamma = heap.makeOutput([channels], 'float32');
  const dbeta = heap.makeOutput([channels], 'float32');
  const scratch = heap.makeOutput([5 * channels], 'float32');
  const at = (t: TensorInfo) => heap.getMemoryOffset(t.dataId);
  native.batchNormBackward(
    at(x),
    at(y),
    at(dy),
    at(mean),
    at(variance),
    at(gamma),
    at(dx),
    at(dgamma),
    at(dbeta),
    at(scratch),
    positions,
    channels,
    args.attrs.epsilon,
    args.attrs.relu ? 1 : 0,
  );
  heap.disposeData(scratch.dataId);
  return [dx, dgamma, dbeta];
}

const CONFIGS: KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAINING, backendName: 'wasm', kernelFunc: batchNormTraining as unknown as KernelFunc },
  { kernelName: BATCH_NORM_TRAINING_GRAD, backendName: 'wasm', kernelFunc: batchNormTrainingGrad as unknown as KernelFunc },
];

/**
 * Offers core's batch-norm kernels to tfjs's registry while the hand-written kernels can run
 * (prepared and on); withdraws them otherwise, so that core composes batch norm from tfjs ops.
 */
export function registerBatchNormTrainingKernels(available: boolean): void {
  for (const config of CONFIGS) {
    const registered = getKernel(config.kernelName, 'wasm') !== undefined;
    if (available && !registered) registerKernel(config);
    if (!available && registered) unregisterKernel(config.kernelName, 'wasm');
  }
}
