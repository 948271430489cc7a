export { backendConformanceChecks, type ConformanceCheck, type ConformanceOptions } from './conformance-checks.js';
export { sgdStep, unitForwardAndGradients } from './computations.js';
export { unitCases, parameterValues, randomValues, randomLabels, type UnitCase } from './fixtures.js';
export { relativeError, assertClose, type NamedValues } from './compare.js';
