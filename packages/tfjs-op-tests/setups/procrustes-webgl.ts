// The WebGL plugin, activated as a user's code activates it, under tfjs's WebGL 2 test flags.
import * as tf from '@tensorflow/tfjs-core';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { webglBackendPlugin } from '@procrustes/backend-webgl';
import { activateOnEveryEngineReset } from '../src/activate-on-reset.js';

registerTestEnv({ name: 'webgl2', backendName: 'webgl', flags: { WEBGL_VERSION: 2, WEBGL_CPU_FORWARD: false, WEBGL_SIZE_UPLOAD_UNIFORM: 0 }, isDataSync: true });
await activateOnEveryEngineReset(tf, webglBackendPlugin);
