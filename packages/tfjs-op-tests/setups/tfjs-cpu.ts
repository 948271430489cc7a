// The baseline: tfjs's own CPU backend, as tfjs-backend-cpu 4.22 ships it and tests itself.
import '@tensorflow/tfjs-backend-cpu';
// Every gradient and chained op, as tfjs's own test setups register them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { registerTestEnv } from '@tensorflow/tfjs-core/dist/jasmine_util';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

registerTestEnv({ name: 'cpu', backendName: 'cpu', isDataSync: true });
