// A worker thread of data-parallel training: its own TensorFlow.js engine and WASM backend, a
// replica of the network, and one forward/backward pass per request on its shard of the batch.
import { parentPort } from 'node:worker_threads';
import {
  buildNetworkSpec,
  createParameters,
  disposeLossAndGradients,
  lossAndGradients,
  tf,
  type NetworkConfig,
  type NetworkParameters,
  type NetworkSpec,
  countCorrect,
} from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import type { ShardRequest, ShardResult, WorkerMessage } from './protocol.js';

let spec: NetworkSpec | undefined;
let parameters: NetworkParameters | undefined;
let recomputeUnits = false;

async function initialize(network: NetworkConfig): Promise<void> {
  await wasmBackendPlugin.activate();
  spec = buildNetworkSpec(network);
  parameters = createParameters(spec, (p) => new Float32Array(p.shape.reduce((a, b) => a * b, 1)));
}

async function computeShard(request: ShardRequest): Promise<ShardResult> {
  if (!spec || !parameters) throw new Error('worker used before initialisation');
  // Inside tidy: assign keeps the values, the temporary tensors go (a leak here filled the WASM heap).
  tf.tidy(() => spec!.parameters.forEach((p, i) => parameters![p.name].assign(tf.tensor(request.weights[i], p.shape))));
  const inputs = tf.tensor4d(request.inputs, request.inputShape);
  const labels = tf.tensor1d(request.labels, 'int32');
  const result = lossAndGradients(spec, parameters, inputs, labels, { recomputeUnits });
  const hits = countCorrect(result.logits, labels);
  const trainable = spec.parameters.filter((p) => p.trainable);
  const gradients = await Promise.all(trainable.map(async (p) => (await result.gradients[p.name].data()) as Float32Array));
  const statisticNames = [...result.statistics.keys()];
  const statistics = await Promise.all(statisticNames.map(async (name) => (await result.statistics.get(name)!.data()) as Float32Array));
  const loss = (await result.loss.data())[0];
  const hitCount = (await hits.data())[0];
  disposeLossAndGradients(result);
  tf.dispose([inputs, labels, hits]);
  return { loss, hits: hitCount, gradients, statisticNames, statistics, tensors: tf.memory().numTensors };
}

parentPort!.on('message', async (message: WorkerMessage) => {
  try {
    if (message.kind === 'init') {
      await initialize(message.network);
      recomputeUnits = message.recomputeUnits ?? false;
      parentPort!.postMessage({ kind: 'ready' });
    } else {
      const result = await computeShard(message.request);
      parentPort!.postMessage({ kind: 'result', result }, [...result.gradients, ...result.statistics].map((a) => a.buffer as ArrayBuffer));
    }
  } catch (error) {
    parentPort!.postMessage({ kind: 'error', message: (error as Error).message });
  }
});
