// One exact projection of a 3×3×64×64 convolution at 32×32 on one thread, beside the method it
// replaced (a general SVD of each frequency's real 128×128 embedding, through ml-matrix), with the
// two results compared. The kernel is He-normal (seeded): at max 1 more than half of its
// singular values are clipped. Run it alone on the machine: `pnpm --filter @procrustes/spectral bench`.
import os from 'node:os';
import { Matrix, SVD } from 'ml-matrix';
import { convSingularValuesOf, inverseKernelDft, kernelDft, projectKernelExact } from '../dist/index.js';

let state = 12345;
const uniform = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return (state + 0.5) / 4294967296;
};
const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
const [kh, kw, cin, cout] = [3, 3, 64, 64];
const he = Math.sqrt(2 / (kh * kw * cin));
const kernel = { shape: [kh, kw, cin, cout], data: Float64Array.from({ length: kh * kw * cin * cout }, () => gaussian() * he) };
const size = [32, 32];

function seconds(run) {
  const start = performance.now();
  const result = run();
  return { result, seconds: (performance.now() - start) / 1000 };
}

/** The previous method: per frequency, U·min(Σ, max)·Vᴴ from a general SVD of [[B, −C], [C, B]]. */
function clipBySvdOfEmbedding(k, max) {
  const spectrum = kernelDft(k, size[0], size[1]);
  const block = cin * cout;
  for (let f = 0; f < size[0] * size[1]; f++) {
    const embedding = new Matrix(2 * cin, 2 * cout);
    for (let i = 0; i < cin; i++) {
      for (let j = 0; j < cout; j++) {
        const re = spectrum.real[f * block + i * cout + j];
        const im = spectrum.imaginary[f * block + i * cout + j];
        embedding.set(i, j, re);
        embedding.set(i, cout + j, -im);
        embedding.set(cin + i, j, im);
        embedding.set(cin + i, cout + j, re);
      }
    }
    // Half the frequencies are conjugates of the other half; the previous method used that too.
    const u = (f / size[1]) | 0;
    const v = f % size[1];
    const partner = ((size[0] - u) % size[0]) * size[1] + ((size[1] - v) % size[1]);
    if (partner < f) continue;
    const svd = new SVD(embedding, { autoTranspose: true });
    const left = svd.leftSingularVectors.clone();
    svd.diagonal.forEach((s, l) => {
      for (let r = 0; r < left.rows; r++) left.set(r, l, left.get(r, l) * Math.min(s, max));
    });
    const projected = left.mmul(svd.rightSingularVectors.transpose());
    for (let i = 0; i < cin; i++) {
      for (let j = 0; j < cout; j++) {
        spectrum.real[f * block + i * cout + j] = spectrum.real[partner * block + i * cout + j] = projected.get(i, j);
        spectrum.imaginary[f * block + i * cout + j] = projected.get(cin + i, j);
        spectrum.imaginary[partner * block + i * cout + j] = -projected.get(cin + i, j);
      }
    }
  }
  return { shape: k.shape, data: inverseKernelDft(spectrum, kh, kw) };
}

const maxDifference = (a, b) => a.data.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b.data[i])), 0);
const spectrum = seconds(() => convSingularValuesOf(kernel, size));
const above = spectrum.result.filter((s) => s > 1).length;
const clip = seconds(() => projectKernelExact(kernel, size, { mode: 'clip', max: 1 }));
const procrustes = seconds(() => projectKernelExact(kernel, size, { mode: 'procrustes', scale: 1 }));
// As in training: the clipped kernel after a small step (1 % noise) is clipped again.
const stepped = { shape: kernel.shape, data: clip.result.data.map((x) => x + 0.01 * he * gaussian()) };
const steppedAbove = convSingularValuesOf(stepped, size).filter((s) => s > 1).length;
const again = seconds(() => projectKernelExact(stepped, size, { mode: 'clip', max: 1 }));
const previous = seconds(() => clipBySvdOfEmbedding(kernel, 1));

console.log(
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version}, one thread, float64 on the host.\n`,
);
console.log(`He-normal 3×3×64×64 kernel at 32×32 (${spectrum.result.length} singular values, largest ${spectrum.result[0].toFixed(3)}, ${above} above 1):\n`);
console.log('| work | seconds |\n| --- | ---: |');
console.log(`| every singular value (convSingularValues) | ${spectrum.seconds.toFixed(2)} |`);
console.log(`| exact clip at 1 (projectKernelExact) | ${clip.seconds.toFixed(2)} |`);
console.log(`| exact clip at 1, previous method (general SVD of each frequency's 128×128 real embedding) | ${previous.seconds.toFixed(2)} |`);
console.log(`| exact Procrustes at 1 | ${procrustes.seconds.toFixed(2)} |`);
console.log(`| exact clip at 1 of the clipped kernel after a 1 % step (${steppedAbove} values above 1) | ${again.seconds.toFixed(2)} |`);
console.log(`\nThe two clips differ by at most ${maxDifference(clip.result, previous.result).toExponential(1)} in any weight (weights ~${he.toFixed(3)}).`);
