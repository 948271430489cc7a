// The page side of winograd.browser.test.ts: the three passes of a 3×3 stride-1 convolution on
// the unthreaded WASM build in a browser, with the Winograd kernels and without.
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend, registerBackendPlugin } from '@procrustes/core';
import { createWasmBackendPlugin, setWinogradMode, type WinogradMode } from './index.js';

export interface PageWinograd {
  device: string;
  /** Per mode: forward, input gradient and filter gradient, as plain arrays. */
  passes: Record<string, { forward: number[]; inputGradient: number[]; filterGradient: number[] }>;
  /** Tensors alive after all passes minus before them. */
  tensorDrift: number;
}

export async function runWinograd(wasmPaths: string): Promise<PageWinograd> {
  registerBackendPlugin(createWasmBackendPlugin({ wasmPaths }));
  const device = (await activateBackend('wasm')).device;
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([2, 9, 7, 12], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 12, 10], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([2, 9, 7, 10], 0, 1, 'float32', 3) as tf.Tensor4D;
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const passes: PageWinograd['passes'] = {};
  for (const mode of ['off', 2, 4] as WinogradMode[]) {
    setWinogradMode(mode);
    const y = tf.conv2d(x, w, 1, 'same');
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as never) as tf.Tensor;
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as never) as tf.Tensor;
    passes[String(mode)] = { forward: Array.from(await y.data()), inputGradient: Array.from(await dx.data()), filterGradient: Array.from(await dw.data()) };
    tf.dispose([y, dx, dw]);
  }
  setWinogradMode('auto');
  tf.dispose([x, w, dy]);
  return { device, passes, tensorDrift: tf.memory().numTensors - before };
}
