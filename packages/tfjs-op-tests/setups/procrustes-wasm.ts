// The WASM plugin with its kernels, in the mode PROCRUSTES_OP_TEST_MODE names: 'default'
// (Winograd where the measured rule picks it, hand-written kernels on), 'winograd-off',
// 'winograd-2' (F(2×2,3×3) wherever it applies) or 'native-off' (tfjs's kernels behind the
// plugin's registrations).
import * as tf from '@tensorflow/tfjs-core';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
// Chained ops (x.reshape(…)), which the tests use and tfjs's own test setup registers.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { setNativeKernelsEnabled, setWinogradMode, wasmBackendPlugin } from '@procrustes/backend-wasm';
import { activateOnEveryEngineReset } from '../src/activate-on-reset.js';

const mode = process.env.PROCRUSTES_OP_TEST_MODE ?? 'default';
registerTestEnv({ name: 'wasm', backendName: 'wasm', isDataSync: true });
if (mode === 'winograd-off') setWinogradMode('off');
if (mode === 'winograd-2') setWinogradMode(2);
if (mode === 'native-off') setNativeKernelsEnabled(false);
await activateOnEveryEngineReset(tf, wasmBackendPlugin);
