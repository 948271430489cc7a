// Gradient norm ratios ‖∂E/∂x_l‖/‖∂E/∂x_{l+1}‖ per unit of a trained network, from its checkpoint.
import { buildNetworkSpec, disposeParameters, registerBackendPlugin, tf } from '@procrustes/core';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { batchTensors, hostBatches } from '@procrustes/data';
import { loadDataset } from '@procrustes/data/node';
import { disposeSgdState } from '@procrustes/train';
import { loadCheckpoint, readRunConfig } from '@procrustes/train/node';
import { probeBatch } from '@procrustes/probes';

registerBackendPlugin(wasmBackendPlugin);
await wasmBackendPlugin.activate();
const runDirectory = process.argv[2] ?? 'runs/example'; // written by train-with-defaults.mjs

const config = await readRunConfig(runDirectory);
const spec = buildNetworkSpec(config.network);
const { parameters, optimizer, state } = await loadCheckpoint(runDirectory, spec); // every file verified
disposeSgdState(optimizer);
const dataset = await loadDataset(config.dataset);

const before = tf.memory().numTensors;
// One test batch, standardised with the statistics the run trained with.
const [batch] = hostBatches(dataset.test, { batchSize: 64, statistics: state.normalization });
const { inputs, labels } = batchTensors(batch, dataset.test.shape);
const ratios = await probeBatch(spec, parameters, inputs, labels);
tf.dispose([inputs, labels]);
for (const unit of ratios.units) console.log(`unit ${String(unit.index).padStart(2)} ${unit.kind.padEnd(10)} ratio ${unit.ratioMean.toFixed(4)}`);
console.log(`δ = ${ratios.delta.toFixed(4)}`);
const leaked = tf.memory().numTensors - before;
disposeParameters(parameters);
console.log(`tensors left behind: ${leaked}`);
if (leaked !== 0) process.exit(1);
