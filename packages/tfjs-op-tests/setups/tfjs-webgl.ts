// The baseline: tfjs's own WebGL backend, as tfjs-backend-webgl 4.22 ships it and tests itself
// on WebGL 2 (its setup_test.ts: no CPU forwarding, no uniform uploads).
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

registerTestEnv({ name: 'webgl2', backendName: 'webgl', flags: { WEBGL_VERSION: 2, WEBGL_CPU_FORWARD: false, WEBGL_SIZE_UPLOAD_UNIFORM: 0 }, isDataSync: true });
