// A Procrustes ResNet on the WASM backend: build it, count its parameters, run a batch.
import { activateBackend, buildNetworkSpec, countTrainableParameters, disposeParameters, forward, initializeParameters, registerBackendPlugin, tf } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';

registerBackendPlugin(wasmBackendPlugin);
const backend = await activateBackend('wasm');
console.log(`backend: ${backend.device}`);

const spec = buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 3, width: 16, inputShape: [28, 28, 1], classes: 10 });
const parameters = initializeParameters(spec, 0);
console.log(`${spec.name}: ${spec.units.length} units, ${countTrainableParameters(spec).toLocaleString('en')} parameters`);

const before = tf.memory().numTensors;
const logits = tf.tidy(() => forward(spec, parameters, tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 0), { training: false }).logits);
console.log(`logits: [${logits.shape.join(', ')}]`);
logits.dispose();
const leaked = tf.memory().numTensors - before;
disposeParameters(parameters);
console.log(`tensors left behind: ${leaked}`);
if (leaked !== 0) process.exit(1);
