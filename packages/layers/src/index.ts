export { spectralClip, procrustes, SpectralConstraint, type SpectralConstraintOptions, type ConstraintProjection } from './spectral-constraint.js';
export { constraintsCallback, applyConstraints, type ConstraintsCallbackOptions } from './constraints-callback.js';
export { bindConstraints, convGeometryOf } from './bind-constraints.js';
export { tfjsPadding, circularGridSize, type ConvGeometry } from './conv-geometry.js';
export { gradientRatios, type GradientRatiosOptions } from './gradient-ratios.js';
export { gradientRatiosCallback, type GradientRatiosCallback } from './gradient-ratios-callback.js';
export { residualBoundaries, namedBoundaries, graphSteps, runGraph, type Boundary, type GraphStep } from './model-graph.js';
export { networkLayersModel, layerNameOf, type NetworkLayersModel } from './network-layers-model.js';
export { spectralNormalization, SpectralNormalization, type SpectralNormalizationOptions } from './spectral-normalization.js';
