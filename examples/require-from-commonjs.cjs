// CommonJS works too, on Node.js ≥ 20.19 (which loads ES modules synchronously).
const { buildNetworkSpec, countTrainableParameters } = require('@procrustes/core');
const { createRunConfig } = require('@procrustes/train');

const spec = buildNetworkSpec(createRunConfig({ model: 'procresnet-166' }).network);
console.log(`${spec.name}: ${countTrainableParameters(spec).toLocaleString('en')} parameters`);
