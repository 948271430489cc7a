import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackendPlugin, activateBackend, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { convSingularValues } from './conv-singular-values.js';
import { goldenCases, relativeL2 } from './golden.js';
import { projectConvSpectrum, projectKernelExact } from './project-conv-spectrum.js';

const projectable = goldenCases().filter((c) => c.procrustes && c.clip);
const label = (c: (typeof projectable)[number]) => `${c.kernel.shape.join('x')} on ${c.inputSize.join('x')}`;

describe('projectConvSpectrum', () => {
  beforeAll(() => {
    registerBackendPlugin(cpuBackendPlugin);
    registerBackendPlugin(wasmBackendPlugin);
  });

  it.each(projectable.map((c) => [label(c), c] as const))('exact Procrustes and clip match the ground truth: %s', async (_, c) => {
    const procrustes = await projectConvSpectrum(c.kernel, c.inputSize, { mode: 'procrustes', scale: c.procrustes!.scale });
    const clip = await projectConvSpectrum(c.kernel, c.inputSize, { mode: 'clip', max: c.clip!.max });
    expect(relativeL2(procrustes.data, c.procrustes!.kernel)).toBeLessThan(1e-4);
    expect(relativeL2(clip.data, c.clip!.kernel)).toBeLessThan(1e-4);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`Newton–Schulz (20 iterations) on ${backend} matches the ground truth; its error falls with iterations`, async () => {
      await activateBackend(backend);
      for (const c of projectable) {
        const errors: number[] = [];
        for (const iterations of [5, 10, 20]) {
          const result = await projectConvSpectrum(c.kernel, c.inputSize, { mode: 'procrustes', scale: c.procrustes!.scale }, { method: 'newton-schulz', iterations });
          errors.push(relativeL2(result.data, c.procrustes!.kernel));
        }
        expect(errors[2], label(c)).toBeLessThan(1e-4);
        expect(errors[2]).toBeLessThanOrEqual(errors[0]);
      }
    });
  }

  it('after a Procrustes projection, every singular value of a 1×1 kernel equals the scale', async () => {
    const c = projectable.find((x) => x.kernel.shape[0] === 1)!;
    const projected = await projectConvSpectrum(c.kernel, c.inputSize, { mode: 'procrustes', scale: 1.5 });
    const values = await convSingularValues(projected, c.inputSize);
    values.forEach((v) => {
      expect(v).toBeCloseTo(1.5, 10);
    });
  });

  it("compat 'reference-code' returns the circularly flipped projection, which keeps little of a 3×3 kernel", async () => {
    for (const c of projectable) {
      const target = { mode: 'procrustes' as const, scale: c.procrustes!.scale };
      const correct = await projectConvSpectrum(c.kernel, c.inputSize, target);
      const reference = await projectConvSpectrum(c.kernel, c.inputSize, target, { compat: 'reference-code' });
      // Independently: the full n×m projection, flipped circularly, cut to the support.
      const [n, m] = c.inputSize;
      const [kh, kw, cin, cout] = c.kernel.shape;
      const full = fullSizeProjection(c);
      const block = cin * cout;
      const flipped = new Float64Array(kh * kw * block);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) for (let e = 0; e < block; e++) flipped[(i * kw + j) * block + e] = full[(((n - i) % n) * m + ((m - j) % m)) * block + e];
      expect(relativeL2(reference.data, flipped), label(c)).toBeLessThan(1e-9);
      if (kh === 1 && kw === 1) expect(relativeL2(reference.data, correct.data)).toBeLessThan(1e-12);
    }
    // The energy the published code keeps of a 3×3 projection, relative to the correct one.
    const c = projectable.find((x) => x.kernel.shape[0] === 3 && x.kernel.shape[2] === x.kernel.shape[3])!;
    const target = { mode: 'procrustes' as const, scale: c.procrustes!.scale };
    const correct = await projectConvSpectrum(c.kernel, c.inputSize, target);
    const reference = await projectConvSpectrum(c.kernel, c.inputSize, target, { compat: 'reference-code' });
    const energy = (d: ArrayLike<number>) => Array.from(d).reduce((s, v) => s + v * v, 0);
    expect(energy(reference.data) / energy(correct.data)).toBeLessThan(0.5);
  });

  it('takes and returns tensors, and refuses bad targets and non-finite kernels', async () => {
    await activateBackend('wasm');
    const c = projectable[0];
    const tensor = tf.tensor4d(c.kernel.data, c.kernel.shape);
    const before = tf.memory().numTensors;
    const result = await projectConvSpectrum(tensor, c.inputSize, { mode: 'procrustes', scale: c.procrustes!.scale });
    expect(result).toBeInstanceOf(tf.Tensor);
    expect(relativeL2(await result.data(), c.procrustes!.kernel)).toBeLessThan(1e-6);
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(projectConvSpectrum(c.kernel, c.inputSize, { mode: 'procrustes', scale: -1 })).rejects.toThrow(/scale must be a positive number/);
    await expect(projectConvSpectrum(c.kernel, c.inputSize, { mode: 'rotate' } as never)).rejects.toThrow(/unknown projection mode 'rotate'/);
    await expect(projectConvSpectrum(c.kernel, c.inputSize, { mode: 'clip', max: 1 }, { method: 'newton-schulz' })).rejects.toThrow(/Procrustes projections only/);
    const nan = tf.tensor4d([Number.NaN, ...c.kernel.data.slice(1)], c.kernel.shape);
    await expect(projectConvSpectrum(nan, c.inputSize, { mode: 'procrustes', scale: 1 })).rejects.toThrow(/non-finite value/);
  });
});

/** The correct projection at full n×m size: project the kernel zero-padded to n×m (same spectrum), keep every tap. */
function fullSizeProjection(c: (typeof projectable)[number]): Float64Array {
  const [n, m] = c.inputSize;
  const [kh, kw, cin, cout] = c.kernel.shape;
  const block = cin * cout;
  const padded = new Float64Array(n * m * block);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let e = 0; e < block; e++) padded[(i * m + j) * block + e] = c.kernel.data[(i * kw + j) * block + e];
  return projectKernelExact({ shape: [n, m, cin, cout], data: padded }, [n, m], { mode: 'procrustes', scale: c.procrustes!.scale }).data as Float64Array;
}
