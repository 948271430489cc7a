// CommonJS works too, on Node.js ≥ 20.19 (which loads ES modules synchronously).
const { buildNetworkSpec, countTrainableParameters, registerTrainingPlugin } = require('@procrustes/core');
const { spectralMonitorFactory, spectralRegularizerFactory } = require('@procrustes/spectral');
const { createRunConfig } = require('@procrustes/train');

// A procresnet's run trains with the paper's regularizer, whose factory records its defaults in the config.
registerTrainingPlugin(spectralRegularizerFactory);
registerTrainingPlugin(spectralMonitorFactory);
const config = createRunConfig({ model: 'procresnet-166' });
const spec = buildNetworkSpec(config.network);
console.log(`${spec.name}: ${countTrainableParameters(spec).toLocaleString('en')} parameters; plugins ${config.plugins.map((p) => p.name).join(', ')}`);
