export { createGradientTap, mergeGradientTaps, perSampleNorm, type GradientTap } from './gradient-tap.js';
export { normRatios, unitNormRatios, summarize, type NormRatios, type UnitRatios, type RatioSummary } from './norm-ratios.js';
export { probeBatch } from './probe-batch.js';
export { createProbePlugin, probePluginFactory, type ProbePlugin, type ProbePluginOptions } from './probe-plugin.js';
export { unitJacobianSpectrum, type JacobianSpectrum, type JacobianSpectrumOptions } from './unit-jacobian-spectrum.js';
export { isTransitionUnit } from './transition-units.js';
export { PROBES_STREAM, probeRecordOf, type ProbeRecord, type UnitProbeRecord } from './probe-record.js';
export { logRatioStatistic, isDefinedRatio, type LogRatioStatistic } from './log-ratio.js';
