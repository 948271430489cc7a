/// <reference lib="webworker" />
// Trains in a Web Worker so that the page stays responsive; the same packages as the CLI.
import {
  buildNetworkSpec,
  disposeParameters,
  encodeWeights,
  initializeParameters,
  registerBackendPlugin,
  registerTrainingPlugin,
  createTrainingPlugin,
  activateBackend,
  type NetworkParameters,
  type NetworkSpec,
  type TrainingPlugin,
} from '@procrustes/core';
import { createWasmBackendPlugin } from '@procrustes/backend-wasm';
import { webglBackendPlugin } from '@procrustes/backend-webgl';
import { channelStatistics, imageSetFromIdx, type ChannelStatistics, type ImageSet } from '@procrustes/data';
import { probePluginFactory, PROBES_STREAM, type ProbeRecord } from '@procrustes/probes';
import { spectralMonitorFactory, spectralRegularizerFactory } from '@procrustes/spectral';
import {
  createRunConfig,
  createSgdState,
  disposeSgdState,
  epochMetrics,
  evaluate,
  runEpoch,
  runFiles,
  type EpochMetrics,
  type RunConfig,
  type SgdState,
  type TrainingSession,
} from '@procrustes/train';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import trainImagesUrl from '@procrustes/fashion-mnist-subset/assets/train-images-idx3-ubyte.gz?url';
import trainLabelsUrl from '@procrustes/fashion-mnist-subset/assets/train-labels-idx1-ubyte.gz?url';
import testImagesUrl from '@procrustes/fashion-mnist-subset/assets/t10k-images-idx3-ubyte.gz?url';
import testLabelsUrl from '@procrustes/fashion-mnist-subset/assets/t10k-labels-idx1-ubyte.gz?url';
import type { FromWorker, Settings, ToWorker } from './protocol.js';

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

// The page's run: a RunConfig like the CLI's (its export is a run directory the CLI's report reads).
const TEST_IMAGES = 200;
registerTrainingPlugin(probePluginFactory);
registerTrainingPlugin(spectralRegularizerFactory);
registerTrainingPlugin(spectralMonitorFactory); // in the regularizer's recipe; records at epoch ends, which the page's loop does not run
let session:
  | {
      config: RunConfig;
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
      probes: ProbeRecord[];
      metrics: EpochMetrics[];
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
  const model = buildNetworkSpec({ family: settings.family, block: 'basic', n: settings.n, width: settings.width, inputShape: [28, 28, 1], classes: 10 }).name;
  const regularized = settings.family === 'procresnet' || settings.mode === 'clip';
  const config = createRunConfig({
    model,
    width: settings.width,
    dataset: 'fashion-mnist-subset',
    limitTest: TEST_IMAGES,
    epochs: 1,
    batchSize: 32,
    learningRate: 0.05,
    schedule: 'constant',
    backend: device.split(':')[0],
    probeEvery: 1,
    regularizer: regularized
      ? { probability: settings.probability, mode: settings.mode, max: 1, targets: settings.family === 'procresnet' && settings.mode === 'procrustes' ? 'spectral-targets' : 'all' }
      : { probability: 0 },
  });
  const spec = buildNetworkSpec(config.network);
  session = {
    config,
    spec,
    parameters: initializeParameters(spec, config.seed),
    optimizer: createSgdState(spec),
    plugins: config.plugins.map((p) => createTrainingPlugin(p.name, p.options)),
    train,
    test: { ...test, images: test.images.subarray(0, TEST_IMAGES * 784), labels: test.labels.subarray(0, TEST_IMAGES), count: TEST_IMAGES },
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

async function loop(run: number): Promise<void> {
  try {
    while (session && run === generation) {
      const s = session;
      const trainingSession: TrainingSession = { spec: s.spec, parameters: s.parameters, optimizer: s.optimizer, update: s.config, plugins: s.plugins };
      const started = performance.now();
      const stopped = new AbortController();
      const result = await runEpoch(trainingSession, {
        set: s.train,
        batchSize: s.config.batchSize,
        statistics: s.statistics,
        seed: s.config.seed,
        augmentation: s.config.augmentation,
        epoch: s.epoch,
        startStep: s.step,
        learningRate: () => s.config.learningRate,
        signal: stopped.signal,
        beforeStep: async () => {
          while (!running && run === generation) await new Promise((r) => setTimeout(r, 50));
          if (run !== generation) stopped.abort();
        },
        afterStep: (step, _sums, position) => {
          const probe = step.records.find((r) => r.stream === PROBES_STREAM)?.record as ProbeRecord | undefined;
          if (probe) s.probes.push(probe);
          post({ kind: 'step', step: position.step, epoch: s.epoch, loss: step.loss, ratios: probe?.units.map((u) => u.ratioMean) ?? [] });
        },
      });
      if (result.interrupted) return;
      s.step = result.step;
      const seconds = (performance.now() - started) / 1000;
      const evaluation = await evaluate(s.spec, s.parameters, s.test, s.statistics, 100);
      // The CLI's metrics.jsonl line, over the page's test images.
      s.metrics.push(epochMetrics(s.epoch, result, evaluation, seconds));
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
  const { config, spec, parameters, probes, metrics, epoch } = session;
  const weights = await encodeWeights(parameters, { network: spec.config });
  // The epochs the run has completed: the page trains until stopped.
  post({ kind: 'exported', files: runFiles({ config: { ...config, epochs: Math.max(1, epoch) }, metrics, streams: { [PROBES_STREAM]: probes }, weights }) });
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
