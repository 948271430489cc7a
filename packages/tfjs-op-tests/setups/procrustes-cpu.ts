// The CPU plugin, activated as a user's code activates it.
import * as tf from '@tensorflow/tfjs-core';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { activateOnEveryEngineReset } from '../src/activate-on-reset.js';

registerTestEnv({ name: 'cpu', backendName: 'cpu', isDataSync: true });
await activateOnEveryEngineReset(tf, cpuBackendPlugin);
