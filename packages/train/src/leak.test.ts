import { describe, expect, it } from 'vitest';
import { activateBackend, buildNetworkSpec, createRandomState, fillNormal, initializeParameters, registerBackendPlugin, tf } from '@procrustes/core';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { wasmBackendPlugin } from '@procrustes/backend-wasm';
import { createSgdState } from './sgd.js';
import { trainingStep } from './training-step.js';

const STEPS = Number(process.env.PROCRUSTES_LEAK_STEPS ?? 500);

describe(`${STEPS} training steps of a small model`, () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`${backend}: tensor count and backend memory stay flat, step time stays level`, async () => {
      registerBackendPlugin(cpuBackendPlugin);
      registerBackendPlugin(wasmBackendPlugin);
      await activateBackend(backend);
      const spec = buildNetworkSpec({ family: 'procresnet', block: 'basic', n: 1, width: 2, inputShape: [8, 8, 1], classes: 3 });
      const parameters = initializeParameters(spec, 0);
      const optimizer = createSgdState(spec);
      const inputs = new Float32Array(4 * 8 * 8);
      fillNormal(createRandomState(1), inputs);
      const batch = { inputs, labels: Int32Array.from([0, 1, 2, 0]), size: 4 };
      const session = { spec, parameters, optimizer, update: { momentum: 0.9, weightDecay: 1e-4 }, plugins: [] };
      const times: number[] = [];
      let afterWarmup = { tensors: 0, bytes: 0, heap: 0 };
      const heap = () => (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;
      for (let step = 0; step < STEPS; step++) {
        const t0 = performance.now();
        await trainingStep(session, batch, { epoch: 0, batch: step, step, learningRate: 0.01 });
        times.push(performance.now() - t0);
        if (step === 19) afterWarmup = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, heap: heap() };
      }
      expect(tf.memory().numTensors).toBe(afterWarmup.tensors);
      expect(tf.memory().numBytes).toBe(afterWarmup.bytes);
      expect(heap()).toBe(afterWarmup.heap);
      // Work that grows with the step count (a leak the counters miss) would raise even the
      // fastest step; the fastest of 100 is what another process on the cores cannot inflate.
      const fastest = (xs: number[]) => Math.min(...xs);
      expect(fastest(times.slice(-100))).toBeLessThan(fastest(times.slice(20, 120)) * 1.5);
    }, 300_000);
  }
});
