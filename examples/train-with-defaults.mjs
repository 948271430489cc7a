// Train from the library: a run configuration from a model name and the CLI's defaults.
import { registerBackendPlugin } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { createRunConfig } from '@procrustes/train';
import { trainNetwork } from '@procrustes/train/node';
import { loadDataset } from '@procrustes/data/node';

registerBackendPlugin(wasmBackendPlugin);
await wasmBackendPlugin.activate();
const runDirectory = process.argv[2] ?? 'runs/example';

// The embedded 5,000-image Fashion-MNIST subset (@procrustes/fashion-mnist-subset), 2,048 of them.
const config = createRunConfig({ model: 'resnet-8', dataset: 'fashion-mnist-subset', epochs: 1, batchSize: 64, limitTrain: 2048, limitTest: 500 });
const dataset = await loadDataset(config.dataset);
const { history } = await trainNetwork({ config, dataset, runDirectory, overwrite: true });
const last = history[history.length - 1];
console.log(`${config.model}: train loss ${last.trainLoss.toFixed(3)}, test accuracy ${(100 * last.testAccuracy).toFixed(1)} %, run in ${runDirectory}`);
