/// <reference lib="webworker" />
// Trains in a Web Worker so that the page stays responsive; the same packages as the CLI.
import {
  assignStatistics,
  buildNetworkSpec,
  disposeLossAndGradients,
  disposeParameters,
  encodeWeights,
  forward,
  initializeParameters,
  lossAndGradients,
  registerBackendPlugin,
  activateBackend,
  tf,
  type NetworkParameters,
  type NetworkSpec,
  countCorrect,
} from '@procrustes/core';
import { createWasmBackendPlugin } from '@procrustes/backend-wasm';
import { batchTensors, channelStatistics, hostBatches, imageSetFromIdx, type ChannelStatistics, type ImageSet } from '@procrustes/data';
import { createGradientTap, normRatios } from '@procrustes/probes';
import { createSpectralRegularizer } from '@procrustes/spectral';
import { createSgdState, disposeSgdState, sgdUpdate, type SgdState } from '@procrustes/train';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import trainImagesUrl from '@procrustes/data/assets/fashion-mnist-subset/train-images-idx3-ubyte.gz?url';
import trainLabelsUrl from '@procrustes/data/assets/fashion-mnist-subset/train-labels-idx1-ubyte.gz?url';
import testImagesUrl from '@procrustes/data/assets/fashion-mnist-subset/t10k-images-idx3-ubyte.gz?url';
import testLabelsUrl from '@procrustes/data/assets/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz?url';
import type { FromWorker, Settings, ToWorker } from './protocol.js';

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

const BATCH = 32;
let session: {
  spec: NetworkSpec;
  parameters: NetworkParameters;
  optimizer: SgdState;
  regularizer: ReturnType<typeof createSpectralRegularizer>;
  train: ImageSet;
  test: ImageSet;
  statistics: ChannelStatistics;
  step: number;
  epoch: number;
  probes: string[];
  metrics: string[];
} | undefined;
let running = false;
let generation = 0;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

let backendReady: Promise<string> | undefined;
function ensureBackend(): Promise<string> {
  backendReady ??= (async () => {
    registerBackendPlugin(
      createWasmBackendPlugin({
        wasmPaths: { 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl },
        // In a cross-origin-isolated page, one thread per core.
        threads: self.crossOriginIsolated ? navigator.hardwareConcurrency : undefined,
      }),
    );
    return (await activateBackend('wasm')).device;
  })();
  return backendReady;
}

async function start(settings: Settings): Promise<void> {
  const device = await ensureBackend();
  reset();
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([trainImagesUrl, trainLabelsUrl, testImagesUrl, testLabelsUrl].map(fetchBytes));
  const train = imageSetFromIdx(trainImages, trainLabels, { images: 'train images', labels: 'train labels' }, 10);
  const test = imageSetFromIdx(testImages, testLabels, { images: 'test images', labels: 'test labels' }, 10);
  const spec = buildNetworkSpec({ family: settings.family, block: 'basic', n: settings.n, width: settings.width, inputShape: [28, 28, 1], classes: 10 });
  session = {
    spec,
    parameters: initializeParameters(spec, 0),
    optimizer: createSgdState(spec),
    regularizer: createSpectralRegularizer({
      probability: settings.family === 'procresnet' || settings.mode === 'clip' ? settings.probability : 0,
      mode: settings.mode,
      max: 1,
      targets: settings.family === 'procresnet' && settings.mode === 'procrustes' ? 'spectral-targets' : 'all',
    }),
    train,
    test: { ...test, images: test.images.subarray(0, 200 * 784), labels: test.labels.subarray(0, 200), count: 200 },
    statistics: channelStatistics(train),
    step: 0,
    epoch: 0,
    probes: [],
    metrics: [],
  };
  post({ kind: 'ready', model: spec.name, backend: device, units: spec.units.map((u) => ({ index: u.index, kind: u.kind, downsamples: u.stride > 1 })) });
  running = true;
  void loop(++generation);
}

async function evaluate(s: NonNullable<typeof session>): Promise<number> {
  let correct = 0;
  for (const batch of hostBatches(s.test, { batchSize: 100, statistics: s.statistics })) {
    const hits = tf.tidy(() => {
      const { inputs, labels } = batchTensors(batch, s.test.shape);
      const { logits } = forward(s.spec, s.parameters, inputs, { training: false });
      return countCorrect(logits, labels);
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct / s.test.count;
}

async function loop(run: number): Promise<void> {
  try {
    while (session && run === generation) {
      const s = session;
      let lossSum = 0;
      let seen = 0;
      for (const batch of hostBatches(s.train, { batchSize: BATCH, statistics: s.statistics, shuffle: true, seed: 0, epoch: s.epoch, augmentation: { pad: 2, flip: false }, dropLast: true })) {
        while (!running && run === generation) await new Promise((r) => setTimeout(r, 50));
        if (run !== generation) return;
        const { inputs, labels } = batchTensors(batch, s.train.shape);
        const tap = createGradientTap();
        const result = lossAndGradients(s.spec, s.parameters, inputs, labels, { tap: tap.tap });
        const ratios = await normRatios(s.spec, tap);
        tap.dispose();
        sgdUpdate(s.parameters, result.gradients, s.optimizer, 0.05, { momentum: 0.9, weightDecay: 1e-4 });
        assignStatistics(s.parameters, result.statistics);
        const loss = (await result.loss.data())[0];
        disposeLossAndGradients(result);
        tf.dispose([inputs, labels]);
        await s.regularizer.afterUpdate!({ network: s.spec, parameters: s.parameters, epoch: s.epoch, step: s.step });
        s.probes.push(JSON.stringify({ step: s.step, epoch: s.epoch, loss, delta: ratios.delta, units: ratios.units.map((u) => ({ index: u.index, kind: u.kind, ratioMean: u.ratioMean, median: u.gradient.median, p5: u.gradient.p5, p95: u.gradient.p95, delta: u.gradient.delta, forwardMean: u.forward.mean })) }));
        post({ kind: 'step', step: s.step, epoch: s.epoch, loss, ratios: ratios.units.map((u) => u.ratioMean) });
        lossSum += loss * batch.size;
        seen += batch.size;
        s.step++;
        await new Promise((r) => setTimeout(r, 0)); // let pause/reset messages in
      }
      const testAccuracy = await evaluate(s);
      s.metrics.push(JSON.stringify({ epoch: s.epoch + 1, trainLoss: lossSum / seen, testAccuracy }));
      post({ kind: 'epoch', epoch: s.epoch + 1, testAccuracy });
      s.epoch++;
    }
  } catch (error) {
    post({ kind: 'error', message: (error as Error).message });
  }
}

function reset(): void {
  generation++;
  running = false;
  if (session) {
    disposeParameters(session.parameters);
    disposeSgdState(session.optimizer);
    session = undefined;
  }
}

async function exportRun(): Promise<void> {
  if (!session) return;
  const { modelJson, shard } = await encodeWeights(session.parameters, { network: session.spec.config });
  post({
    kind: 'exported',
    files: [
      { name: 'config.json', type: 'application/json', data: JSON.stringify({ model: session.spec.name, network: session.spec.config, dataset: 'fashion-mnist-subset', batchSize: BATCH, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, source: 'apps/web' }, null, 2) },
      { name: 'model.json', type: 'application/json', data: JSON.stringify(modelJson, null, 1) },
      { name: 'weights.bin', type: 'application/octet-stream', data: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer },
      { name: 'probes.jsonl', type: 'application/x-ndjson', data: session.probes.join('\n') + '\n' },
      { name: 'metrics.jsonl', type: 'application/x-ndjson', data: session.metrics.join('\n') + (session.metrics.length ? '\n' : '') },
    ],
  });
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    if (message.kind === 'start') await start(message.settings);
    else if (message.kind === 'pause') running = false;
    else if (message.kind === 'resume') running = true;
    else if (message.kind === 'reset') reset();
    else if (message.kind === 'export') await exportRun();
  } catch (error) {
    post({ kind: 'error', message: (error as Error).message });
  }
};
