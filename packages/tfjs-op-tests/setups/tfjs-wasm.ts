// The baseline: tfjs's own WASM backend, as tfjs-backend-wasm 4.22 ships it.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Every gradient, as tfjs's own test setups register them (the plugin's @procrustes/core does too).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
// Chained ops (x.reshape(…)), which the tests use and tfjs's own test setup registers.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

registerTestEnv({ name: 'wasm', backendName: 'wasm', isDataSync: true });
setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
