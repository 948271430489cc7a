// A worker thread of data-parallel training: its own TensorFlow.js engine on the run's backend,
// a replica of the network, and one forward/backward pass per request on its shard of the batch.
import { parentPort } from 'node:worker_threads';
import { activateBackend, buildNetworkSpec, createParameters, registerBackendPlugin, tf, type BackendPlugin, type NetworkParameters, type NetworkSpec } from '@procrustes/core';
import { disposePass, forwardBackward } from '../training-step.js';
import type { ShardRequest, ShardResult, WorkerMessage } from './protocol.js';

let spec: NetworkSpec | undefined;
let parameters: NetworkParameters | undefined;
let recomputeUnits = false;

async function initialize(message: Extract<WorkerMessage, { kind: 'init' }>): Promise<void> {
  const loaded = (await import(message.backend.module.url)) as Record<string, BackendPlugin | undefined>;
  const plugin = loaded[message.backend.module.exportName];
  if (!plugin || plugin.name !== message.backend.name)
    throw new Error(`${message.backend.module.url} does not export the backend plugin '${message.backend.name}' as ${message.backend.module.exportName}`);
  registerBackendPlugin(plugin);
  await activateBackend(plugin.name);
  spec = buildNetworkSpec(message.network);
  parameters = createParameters(spec, (p) => new Float32Array(p.shape.reduce((a, b) => a * b, 1)));
  recomputeUnits = message.recomputeUnits ?? false;
}

async function computeShard(request: ShardRequest): Promise<ShardResult> {
  if (!spec || !parameters) throw new Error('worker used before initialisation');
  const start = performance.now();
  // Inside tidy: assign keeps the values, the temporary tensors go (a leak here filled the WASM heap).
  tf.tidy(() =>
    spec!.parameters.forEach((p, i) => {
      parameters![p.name].assign(tf.tensor(request.weights[i], p.shape));
    }),
  );
  const pass = await forwardBackward(spec, parameters, { inputs: request.inputs, labels: request.labels, size: request.inputShape[0] }, { recomputeUnits });
  const trainable = spec.parameters.filter((p) => p.trainable);
  const gradients = await Promise.all(trainable.map(async (p) => (await pass.gradients[p.name].data()) as Float32Array));
  const statisticNames = [...pass.statistics.keys()];
  const statistics = await Promise.all(statisticNames.map(async (name) => (await pass.statistics.get(name)!.data()) as Float32Array));
  disposePass(pass);
  return {
    loss: pass.loss,
    hits: pass.hits,
    gradients,
    gradientsFinite: pass.gradientsFinite,
    statisticNames,
    statistics,
    tensors: tf.memory().numTensors,
    backend: tf.getBackend(),
    milliseconds: performance.now() - start,
  };
}

parentPort!.on('message', async (message: WorkerMessage) => {
  try {
    if (message.kind === 'init') {
      await initialize(message);
      parentPort!.postMessage({ kind: 'ready' });
    } else {
      const result = await computeShard(message.request);
      parentPort!.postMessage(
        { kind: 'result', result },
        [...result.gradients, ...result.statistics].map((a) => a.buffer as ArrayBuffer),
      );
    }
  } catch (error) {
    parentPort!.postMessage({ kind: 'error', message: (error as Error).message });
  }
});
