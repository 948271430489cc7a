import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpuBackendPlugin } from '@procrustes/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { convGeometryOf } from './bind-constraints.js';
import { constraintsCallback, everyForOverhead } from './constraints-callback.js';
import { layerOperatorNorm } from './layer-operator-norm.js';
import { procrustes, SpectralConstraint, spectralClip } from './spectral-constraint.js';
import type { Constraint } from './tfjs-internals.js';
import { denseSingularValues, explicitOperatorSingularValues } from './test-support/explicit-operator.js';
import { saveToMemory } from './test-support/save-to-memory.js';

beforeAll(async () => {
  await cpuBackendPlugin.activate();
});

// A user's small CNN: a strided 'same' convolution with a bias on odd-sized input, a Dense head;
// kernels drawn large so that every bound has work to do, and a learning rate that pushes them.
function userModel(convolutionConstraint?: Constraint, denseConstraint?: Constraint) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [7, 7, 1],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: 1 }),
        kernelConstraint: convolutionConstraint,
        name: 'conv',
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: 2 }),
        kernelConstraint: denseConstraint,
        name: 'head',
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  return model;
}

const data = () => {
  const x = tf.randomNormal([16, 7, 7, 1], 0, 2, 'float32', 3);
  const y = tf.oneHot(
    tf.tensor1d(
      [...Array(16).keys()].map((i) => i % 2),
      'int32',
    ),
    2,
  );
  return { x, y };
};

const convolutionNorm = (model: tfl.LayersModel) =>
  explicitOperatorSingularValues(model.getLayer('conv').getWeights()[0] as tf.Tensor4D, convGeometryOf(model.getLayer('conv')))[0]!;

/** spectralClip that also spends `milliseconds` per application, like a large exact projection. */
function slowClip(milliseconds: number) {
  const slow = spectralClip({ max: 1, inputSize: 7, strides: 2 });
  const apply = slow.apply.bind(slow);
  slow.apply = (w: tf.Tensor) => {
    const until = performance.now() + milliseconds;
    while (performance.now() < until);
    return apply(w);
  };
  return slow;
}

async function warningsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    await run();
  } finally {
    console.warn = warn;
  }
  return warnings;
}

describe('constraints during fit', () => {
  it("tfjs-layers 4.22 ignores a kernelConstraint in fit: the operator's norm is far above the bound after training", async () => {
    const model = userModel(spectralClip({ max: 1, inputSize: 7, strides: 2 }), tfl.constraints.maxNorm({ maxValue: 1, axis: 0 }));
    const { x, y } = data();
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    expect(convolutionNorm(model)).toBeGreaterThan(2);
    const columnNorms = tf.norm(model.getLayer('head').getWeights()[0]!, 'euclidean', 0).arraySync() as number[];
    expect(Math.max(...columnNorms)).toBeGreaterThan(1.5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('with constraintsCallback the exact spectrum after fit is within the bound: spectralClip on the Conv2D (geometry from the layer), procrustes on the Dense', async () => {
    const clip = spectralClip({ max: 1, tolerance: 0.01 });
    const model = userModel(clip, procrustes({ scale: 1 }));
    const { x, y } = data();
    const tensorsBefore = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false, callbacks: [constraintsCallback()] });
    expect(tf.memory().numTensors - tensorsBefore).toBeLessThanOrEqual(2); // fit keeps one per epoch itself
    expect(clip.getConfig()).toMatchObject({ inputSize: [7, 7], strides: [2, 2], padding: 'same' });
    expect(clip.lastProjection!.converged).toBe(true);
    expect(convolutionNorm(model)).toBeLessThanOrEqual(1.01 + 1e-5);
    // The power-iteration norm of the layer as tfjs computes it agrees with the explicit matrix.
    expect(Math.abs((await layerOperatorNorm(model.getLayer('conv'), { tolerance: 1e-9, maxIterations: 3000 })) / convolutionNorm(model) - 1)).toBeLessThan(1e-3);
    for (const value of denseSingularValues(model.getLayer('head').getWeights()[0]!)) expect(value).toBeCloseTo(1, 4);
    // The bias is left alone: it trained.
    expect(Math.max(...(model.getLayer('conv').getWeights()[1]!.dataSync() as Float32Array).map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("applies tfjs's own constraints too (maxNorm), every 2 steps; with probability 0 it applies none", async () => {
    const { x, y } = data();
    const model = userModel(undefined, tfl.constraints.maxNorm({ maxValue: 1, axis: 0 }));
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false, callbacks: [constraintsCallback({ every: 2 })] });
    const columnNorms = tf.norm(model.getLayer('head').getWeights()[0]!, 'euclidean', 0).arraySync() as number[];
    expect(Math.max(...columnNorms)).toBeLessThanOrEqual(1 + 1e-5); // 4 steps: the last one was followed by an application
    const never = userModel(undefined, tfl.constraints.maxNorm({ maxValue: 1, axis: 0 }));
    await never.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false, callbacks: [constraintsCallback({ probability: 0 })] });
    expect(Math.max(...(tf.norm(never.getLayer('head').getWeights()[0]!, 'euclidean', 0).arraySync() as number[]))).toBeGreaterThan(1.5);
    tf.dispose([x, y]);
    model.dispose();
    never.dispose();
  });

  it('survives model.save and tf.loadLayersModel, with the geometry taken from the layer, and keeps bounding after loading', async () => {
    const model = userModel(spectralClip({ max: 0.5 }));
    const { x, y } = data();
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [constraintsCallback()] });
    const saved = await saveToMemory(model);
    expect(JSON.stringify(saved.modelTopology)).toContain('"class_name":"SpectralConstraint"');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved));
    const constraint = (loaded.getLayer('conv').weights[0]!.constraint as SpectralConstraint | undefined)!;
    expect(constraint).toBeInstanceOf(SpectralConstraint);
    expect(constraint.getConfig()).toEqual({ mode: 'clip', max: 0.5, inputSize: [7, 7], strides: [2, 2], padding: 'same', tolerance: 0.01, maxRounds: 100 });
    loaded.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await loaded.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [constraintsCallback()] });
    expect(convolutionNorm(loaded)).toBeLessThanOrEqual(0.505 + 1e-5);
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });

  it('with a fixed every, says once when applying the constraints costs more than 10 % of training, and which schedule would not', async () => {
    // A constraint as slow as a large exact projection, beside a step of a few milliseconds.
    const model = userModel(slowClip(60));
    const { x, y } = data();
    const warnings = await warningsDuring(() => model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [constraintsCallback({ every: 1 })] }));
    expect(warnings).toHaveLength(1);
    const every = Number(/every: (\d+) keeps it within 10 %/.exec(warnings[0]!)?.[1]);
    expect(every).toBeGreaterThan(1);
    expect(warnings[0]).toMatch(/applying the constraints took 0\.0[6-9]\d* s|took 0\.[1-9]/);
    expect(everyForOverhead(1, 0.5, 0.1)).toBe(20);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("by default ('auto') spends at most 10 % of training on constraints after the first application, and applies them once more when training ends", async () => {
    const model = userModel(slowClip(30));
    const { x, y } = data();
    const callback = constraintsCallback();
    const warnings = await warningsDuring(() => model.fit(x, y, { epochs: 12, batchSize: 2, verbose: 0, callbacks: [callback] }));
    const statistics = callback.statistics();
    expect(warnings).toHaveLength(0);
    expect(statistics.steps).toBe(96);
    expect(statistics.applications).toBeGreaterThanOrEqual(2); // the first step and the end
    expect(statistics.applications).toBeLessThan(statistics.steps);
    // Everything but the first application and the one at the end was paid for by 10 % of training.
    expect(statistics.endApplicationSeconds).toBeGreaterThan(0.03);
    expect(statistics.applicationSeconds - statistics.firstApplicationSeconds - statistics.endApplicationSeconds).toBeLessThanOrEqual(0.1 * statistics.trainingSeconds * 1.2);
    expect(convolutionNorm(model)).toBeLessThanOrEqual(1.01 + 1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("projects once per application during training (the paper's regularizer), and to the tolerance when training ends", async () => {
    const clip = spectralClip({ max: 0.5 });
    const model = userModel(clip);
    const { x, y } = data();
    const rounds: number[] = [];
    const recorder = new tfl.CustomCallback({ onBatchEnd: async () => void rounds.push(clip.lastProjection?.rounds ?? -1) });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false, callbacks: [constraintsCallback({ every: 1 }), recorder] });
    expect(rounds).toHaveLength(8);
    expect(Math.max(...rounds)).toBe(1);
    expect(clip.lastProjection!.converged).toBe(true);
    expect(clip.lastProjection!.rounds).toBeGreaterThan(1);
    expect(convolutionNorm(model)).toBeLessThanOrEqual(0.505 + 1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('refuses a bad schedule by name', () => {
    expect(() => constraintsCallback({ roundsPerApplication: 0 })).toThrow(/roundsPerApplication must be a positive integer, got 0/);
    expect(() => constraintsCallback({ every: 0 })).toThrow(/every must be a positive integer or 'auto', got 0/);
    expect(() => constraintsCallback({ overhead: 0 })).toThrow(/overhead must be a positive share of training time/);
    expect(() => constraintsCallback({ probability: 2 })).toThrow(/probability must be between 0 and 1, got 2/);
  });
});
