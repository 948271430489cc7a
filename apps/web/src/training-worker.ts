/// <reference lib="webworker" />
// Trains in a Web Worker so that the page stays responsive; the same packages as the CLI.
import {
  buildNetworkSpec,
  disposeParameters,
  encodeWeights,
  initializeParameters,
  registerBackendPlugin,
  activateBackend,
  type NetworkParameters,
  type NetworkSpec,
  type TrainingPlugin,
} from '@procrustes/core';
import { createWasmBackendPlugin } from '@procrustes/backend-wasm';
import { webglBackendPlugin } from '@procrustes/backend-webgl';
import { channelStatistics, imageSetFromIdx, type ChannelStatistics, type ImageSet } from '@procrustes/data';
import { createProbePlugin } from '@procrustes/probes';
import { createSpectralRegularizer } from '@procrustes/spectral';
import { createSgdState, disposeSgdState, epochMetrics, evaluate, runEpoch, type SgdState, type TrainingSession } from '@procrustes/train';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import trainImagesUrl from '@procrustes/fashion-mnist-subset/assets/train-images-idx3-ubyte.gz?url';
import trainLabelsUrl from '@procrustes/fashion-mnist-subset/assets/train-labels-idx1-ubyte.gz?url';
import testImagesUrl from '@procrustes/fashion-mnist-subset/assets/t10k-images-idx3-ubyte.gz?url';
import testLabelsUrl from '@procrustes/fashion-mnist-subset/assets/t10k-labels-idx1-ubyte.gz?url';
import type { FromWorker, Settings, ToWorker } from './protocol.js';

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

const BATCH = 32;
const LEARNING_RATE = 0.05;
const UPDATE = { momentum: 0.9, weightDecay: 1e-4 };
let session:
  | {
      spec: NetworkSpec;
      parameters: NetworkParameters;
      optimizer: SgdState;
      /** The probes on every step, and the regularizer: the CLI's plugins, whose records the page keeps. */
      plugins: TrainingPlugin[];
      train: ImageSet;
      test: ImageSet;
      statistics: ChannelStatistics;
      step: number;
      epoch: number;
      probes: string[];
      metrics: string[];
    }
  | undefined;
let running = false;
let generation = 0;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const wasmPlugin = createWasmBackendPlugin({
  wasmPaths: { 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl },
  // In a cross-origin-isolated page, one thread per core.
  threads: self.crossOriginIsolated ? navigator.hardwareConcurrency : undefined,
});
registerBackendPlugin(wasmPlugin);
registerBackendPlugin(webglBackendPlugin);

let active: { plugin: string; device: string } | undefined;

/** Activates the backend asked for; WebGL falls back to WASM, saying why, where the browser lacks it. */
async function chooseBackend(preference: Settings['backend']): Promise<string> {
  let wanted: 'webgl' | 'wasm' = preference === 'wasm' ? 'wasm' : 'webgl';
  let note = '';
  if (wanted === 'webgl') {
    const availability = await webglBackendPlugin.checkAvailability();
    if (!availability.available) {
      wanted = 'wasm';
      note = ` (WebGL unavailable: ${availability.reason})`;
    }
  }
  if (active?.plugin !== wanted) {
    try {
      active = { plugin: wanted, device: (await activateBackend(wanted)).device };
    } catch (error) {
      if (wanted !== 'webgl') throw error;
      active = { plugin: 'wasm', device: (await activateBackend('wasm')).device };
      note = ` (WebGL failed: ${(error as Error).message})`;
    }
  }
  return `${active.plugin}: ${active.device}${note}`;
}

async function start(settings: Settings): Promise<void> {
  reset(); // frees the previous session's tensors on the backend they live on
  const device = await chooseBackend(settings.backend);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([trainImagesUrl, trainLabelsUrl, testImagesUrl, testLabelsUrl].map(fetchBytes));
  const train = imageSetFromIdx(trainImages, trainLabels, { images: 'train images', labels: 'train labels' }, 10);
  const test = imageSetFromIdx(testImages, testLabels, { images: 'test images', labels: 'test labels' }, 10);
  const spec = buildNetworkSpec({ family: settings.family, block: 'basic', n: settings.n, width: settings.width, inputShape: [28, 28, 1], classes: 10 });
  session = {
    spec,
    parameters: initializeParameters(spec, 0),
    optimizer: createSgdState(spec),
    plugins: [
      createProbePlugin({ every: 1 }),
      createSpectralRegularizer({
        probability: settings.family === 'procresnet' || settings.mode === 'clip' ? settings.probability : 0,
        mode: settings.mode,
        max: 1,
        targets: settings.family === 'procresnet' && settings.mode === 'procrustes' ? 'spectral-targets' : 'all',
      }),
    ],
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

interface ProbeRecord {
  units: Array<{ ratioMean: number }>;
}

async function loop(run: number): Promise<void> {
  try {
    while (session && run === generation) {
      const s = session;
      const trainingSession: TrainingSession = { spec: s.spec, parameters: s.parameters, optimizer: s.optimizer, update: UPDATE, plugins: s.plugins };
      const started = performance.now();
      const stopped = new AbortController();
      const result = await runEpoch(trainingSession, {
        set: s.train,
        batchSize: BATCH,
        statistics: s.statistics,
        seed: 0,
        augmentation: { pad: 2, flip: false },
        epoch: s.epoch,
        startStep: s.step,
        learningRate: () => LEARNING_RATE,
        signal: stopped.signal,
        beforeStep: async () => {
          while (!running && run === generation) await new Promise((r) => setTimeout(r, 50));
          if (run !== generation) stopped.abort();
        },
        afterStep: (step, _sums, position) => {
          for (const r of step.records) if (r.stream === 'probes') s.probes.push(JSON.stringify(r.record));
          const probe = step.records.find((r) => r.stream === 'probes')?.record as ProbeRecord | undefined;
          post({ kind: 'step', step: position.step, epoch: s.epoch, loss: step.loss, ratios: probe?.units.map((u) => u.ratioMean) ?? [] });
        },
      });
      if (result.interrupted) return;
      s.step = result.step;
      const seconds = (performance.now() - started) / 1000;
      const evaluation = await evaluate(s.spec, s.parameters, s.test, s.statistics, 100);
      // The CLI's metrics.jsonl line, over the page's 200 test images.
      const metrics = epochMetrics(s.epoch, result, evaluation, seconds);
      s.metrics.push(JSON.stringify(metrics));
      post({ kind: 'epoch', epoch: s.epoch + 1, testAccuracy: evaluation.accuracy });
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
      {
        name: 'config.json',
        type: 'application/json',
        data: JSON.stringify(
          { model: session.spec.name, network: session.spec.config, dataset: 'fashion-mnist-subset', batchSize: BATCH, learningRate: LEARNING_RATE, ...UPDATE, source: 'apps/web' },
          null,
          2,
        ),
      },
      { name: 'model.json', type: 'application/json', data: JSON.stringify(modelJson, null, 1) },
      { name: 'weights.bin', type: 'application/octet-stream', data: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer },
      { name: 'probes.jsonl', type: 'application/x-ndjson', data: `${session.probes.join('\n')}\n` },
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
