// The WASM plugin with this package's kernels, in the mode PROCRUSTES_OP_TEST_MODE names:
// 'default' (Winograd where the measured rule picks it, hand-written kernels on), 'winograd-off',
// 'winograd-2' (F(2×2,3×3) wherever it applies) or 'native-off' (tfjs's kernels behind this
// package's registrations).
import * as tf from '@tensorflow/tfjs-core';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
// Chained ops (x.reshape(…)), which the tests use and tfjs's own test setup registers.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { registerBatchNormTrainingKernels } from '../src/batch-norm-training.js';
import { setNativeKernelsEnabled } from '../src/native-kernel-switch.js';
import { nativeKernels, prepareNativeKernels } from '../src/native-kernels.js';
import { wasmBackendPlugin } from '../src/wasm-backend-plugin.js';
import { setWinogradMode } from '../src/winograd.js';

const mode = process.env.PROCRUSTES_OP_TEST_MODE ?? 'default';
registerTestEnv({ name: 'wasm', backendName: 'wasm', isDataSync: true });
await wasmBackendPlugin.activate();
if (mode === 'winograd-off') setWinogradMode('off');
if (mode === 'winograd-2') setWinogradMode(2);
if (mode === 'native-off') setNativeKernelsEnabled(false);
// tfjs's harness resets the engine for each suite: each new backend gets the hand-written kernels, as activation gives them.
beforeEach(async () => {
  if (tf.getBackend() !== 'wasm' || mode === 'native-off') return;
  const native = (await prepareNativeKernels(tf.backend())) && nativeKernels(tf.backend()) !== undefined;
  registerBatchNormTrainingKernels(native);
});
