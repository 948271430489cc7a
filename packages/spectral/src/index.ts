export { convSingularValues, convSingularValuesOf, type SingularValueOptions } from './conv-singular-values.js';
export { complexSingularValues, projectComplexMatrix } from './complex-matrix-spectrum.js';
export { hermitianEigen, type HermitianEigen } from './hermitian-eigen.js';
export { readKernel, checkKernel, type KernelData, type KernelInput } from './kernel.js';
export { polyphaseKernel } from './polyphase.js';
export { kernelDft, inverseKernelDft, type KernelSpectrum } from './dft.js';
export { projectConvSpectrum, projectKernelExact, projectMatrixSpectrum, type SpectrumTarget, type ProjectionOptions } from './project-conv-spectrum.js';
export { projectConvSpectrumRepeated, projectKernelRepeated, type RepeatedProjection, type RepeatedProjectionOptions } from './project-conv-spectrum-repeated.js';
export { newtonSchulzPolarFactors } from './newton-schulz.js';
export { convOperatorNorm, type OperatorNormOptions, type ExplicitPadding } from './conv-operator-norm.js';
export {
  createSpectralRegularizer,
  spectralRegularizerFactory,
  spectralTargetsOf,
  projectTargets,
  type SpectralRegularizerOptions,
  type SpectralTarget,
} from './spectral-regularizer.js';
export { createSpectralMonitor, spectralMonitorFactory, monitoredConvolutions, SPECTRA_STREAM, type SpectralMonitorOptions, type SpectrumRecord } from './spectral-monitor.js';
