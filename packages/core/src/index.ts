import './register-gradients.js';

export * as tf from '@tensorflow/tfjs-core';
export { ProcrustesUsageError, usageError, isUsageError } from './errors.js';
export { nodeBuiltin, isNodeRuntime } from './node-builtin.js';
export {
  createRandomState,
  fillNormal,
  fillUniform,
  randomInteger,
  randomPermutation,
  type RandomState,
} from './random.js';

export { conv2d, conv2dOutputSize } from './layers/conv2d.js';
export { batchNorm, type BatchNormParameters, type BatchNormOptions, type BatchNormResult } from './layers/batch-norm.js';
export { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, type BatchNormTrainingAttrs } from './layers/batch-norm-kernels.js';
export { dense } from './layers/dense.js';
export { relu } from './layers/relu.js';
export { globalAveragePool } from './layers/global-average-pool.js';
export { heNormal, heNormalFanOut, uniformFanIn } from './layers/initializers.js';

export * from './network/spec.js';
export { networkDepth, unitsPerStageForDepth, depthForms } from './network/depth.js';
export { buildNetworkSpec, resolveNetworkConfig, countTrainableParameters } from './network/build-network-spec.js';
export { forwardFlopsPerImage, trainingStepFlops } from './network/flops.js';
export { trainingSizeProblem, MAX_TENSOR_BYTES } from './network/size-check.js';
export { MODEL_PRESETS, parseModelName, type ModelPreset } from './network/presets.js';
export {
  initializeParameters,
  initialParameterValues,
  createParameters,
  trainableVariables,
  disposeParameters,
  type NetworkParameters,
} from './network/parameters.js';
export { forward, unitForward, type ForwardOptions, type ForwardResult, type UnitTap } from './network/forward.js';
export { softmaxCrossEntropy, countCorrect } from './network/loss.js';
export {
  lossAndGradients,
  disposeLossAndGradients,
  assignStatistics,
  type LossAndGradients,
} from './network/loss-and-gradients.js';

export { encodeWeights, decodeWeights, WEIGHTS_SHARD_NAME, type WeightEntry, type WeightsModelJson } from './weights/weights-format.js';

export {
  registerBackendPlugin,
  unregisterBackendPlugin,
  listBackendPlugins,
  getBackendPlugin,
  activateBackend,
  type BackendPlugin,
  type BackendAvailability,
  type ActiveBackend,
  type BackendPluginModule,
} from './plugins/backend-plugin.js';
export { requireBackend } from './plugins/require-backend.js';
export {
  registerTrainingPlugin,
  unregisterTrainingPlugin,
  listTrainingPlugins,
  createTrainingPlugin,
  trainingPluginDefaults,
  type TrainingPlugin,
  type TrainingPluginFactory,
  type TrainingContext,
  type GradientContext,
  type EpochContext,
  type PluginRecord,
  type HookResult,
  recordStreamsOf,
  RECORD_STREAM_PATTERN,
} from './plugins/training-plugin.js';
export { processRegistry, type Registry } from './plugins/registry.js';
export { CHECKED_TFJS_CORE, checkTfjsVersion, tfjsInternalsError } from './tfjs-internals.js';
