// The exact singular values of a convolution, and projections onto a spectrum.
import { createRandomState, fillNormal } from '@procrustes/core';
import { convSingularValues, projectConvSpectrum, projectConvSpectrumRepeated } from '@procrustes/spectral';

// A 3×3 convolution from 16 to 32 channels, as {shape, data} (a tf.Tensor works too).
const data = new Float64Array(3 * 3 * 16 * 32);
fillNormal(createRandomState(1), data);
const kernel = { shape: [3, 3, 16, 32], data: data.map((v) => v * 0.3) };
const range = (values) => `${values[0].toFixed(3)} … ${values[values.length - 1].toFixed(3)}`;

console.log(`singular values at 8×8: ${range(await convSingularValues(kernel, [8, 8]))}`);
console.log(`stride 2: ${range(await convSingularValues(kernel, [8, 8], { stride: 2 }))}`);

// One projection sets the DFT's singular values; cutting back to 3×3 moves them again.
const once = await projectConvSpectrum(kernel, [8, 8], { mode: 'procrustes', scale: 1 });
console.log(`after one Procrustes projection: ${range(await convSingularValues(once, [8, 8]))}`);

// Repeated until within a tolerance, with how close it got reported.
const repeated = await projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'procrustes', scale: 1 }, { tolerance: 0.05, maxRounds: 100 });
console.log(
  `repeated: ${repeated.rounds} rounds, ${repeated.smallest.toFixed(3)} … ${repeated.largest.toFixed(3)}, deviation ${repeated.deviation.toFixed(3)}, converged ${repeated.converged}`,
);
const clipped = await projectConvSpectrumRepeated(kernel, [8, 8], { mode: 'clip', max: 1 }, { tolerance: 0.01 });
console.log(`clipped to 1: largest ${clipped.largest.toFixed(3)} after ${clipped.rounds} rounds, converged ${clipped.converged}`);
if (!repeated.converged || !clipped.converged) process.exit(1);
