import * as tf from '@tensorflow/tfjs-core';
import { registerBatchNormTrainingKernels } from './batch-norm-training.js';
import { nativeKernels, setNativeKernelsFlag } from './native-kernels.js';

/**
 * Turns the hand-written kernels (kernels/*.c) on or off; off leaves tfjs's kernels and the
 * XNNPACK formulations, for comparisons. (A hand-written forward convolution was tried as well
 * and measured slower than XNNPACK's, so there is none.)
 */
export function setNativeKernelsEnabled(on: boolean): void {
  setNativeKernelsFlag(on);
  const active = tf.getBackend() === 'wasm' ? tf.backend() : undefined;
  registerBatchNormTrainingKernels(active !== undefined && nativeKernels(active) !== undefined);
}
