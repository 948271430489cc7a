import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procrustes } from './run-built-cli.js';

const small = '--model resnet-8 --width 8 --dataset fashion-mnist-subset --limit-train 512 --limit-test 128 --batch 64 --epochs 3 --quiet --seed 4'.split(' ');

describe('data-parallel training over worker threads', () => {
  it('follows the single-threaded loss curve within noise, and resumes', () => {
    const root = mkdtempSync(join(tmpdir(), 'parallel-'));
    const curves: number[][] = [];
    for (const workers of ['1', '2']) {
      const out = join(root, `w${workers}`);
      const run = procrustes('train', ...small, '--workers', workers, '--out', out);
      expect(run.code, run.stderr).toBe(0);
      curves.push(
        readFileSync(join(out, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).trainLoss),
      );
    }
    // Batch norm normalises each half batch on its own, so the curves differ slightly.
    curves[1].forEach((loss, epoch) => {
      expect(Math.abs(loss - curves[0][epoch]), `epoch ${epoch + 1}: ${curves[1]} vs ${curves[0]}`).toBeLessThan(0.15);
    });
    expect(curves[1][2]).toBeLessThan(curves[1][0]);
    const resumed = procrustes('train', '--out', join(root, 'w2'), '--resume', '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/2 data-parallel workers/);
  }, 300_000);

  it('refuses --workers 0', () => {
    const { code, stderr } = procrustes('train', '--workers', '0');
    expect(code).toBe(2);
    expect(stderr).toMatch(/'0' is not a positive integer/);
  });
});

describe('data-parallel workers', () => {
  it('keep a flat tensor count from step to step', async () => {
    const { activateBackend, buildNetworkSpec, initializeParameters, registerBackendPlugin, tf } = await import('@procrustes/core');
    const { wasmBackendPlugin } = await import('@procrustes/backend-wasm');
    const { createDataParallelGradients } = await import('@procrustes/train/node');
    registerBackendPlugin(wasmBackendPlugin);
    await activateBackend('wasm');
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 2, inputShape: [8, 8, 1], classes: 3 });
    const parameters = initializeParameters(spec, 0);
    const parallel = await createDataParallelGradients(spec, 2, { backend: wasmBackendPlugin });
    const batch = { inputs: new Float32Array(8 * 64).map((_, i) => Math.sin(i)), labels: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]), size: 8 };
    const counts: number[][] = [];
    for (let step = 0; step < 6; step++) {
      const result = await parallel.compute(parameters, batch);
      counts.push(result.workerTensors);
      tf.dispose([...Object.values(result.gradients), ...result.statistics.values()]);
    }
    await parallel.dispose();
    expect(counts[5]).toEqual(counts[1]);
  }, 60_000);

  it('report whether every shard’s gradients are finite (the workers check; the main thread does not read them again)', async () => {
    const { activateBackend, buildNetworkSpec, initializeParameters, registerBackendPlugin, tf } = await import('@procrustes/core');
    const { wasmBackendPlugin } = await import('@procrustes/backend-wasm');
    const { createDataParallelGradients } = await import('@procrustes/train/node');
    registerBackendPlugin(wasmBackendPlugin);
    await activateBackend('wasm');
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 2, inputShape: [8, 8, 1], classes: 3 });
    const parameters = initializeParameters(spec, 0);
    const parallel = await createDataParallelGradients(spec, 2, { backend: wasmBackendPlugin });
    const batch = { inputs: new Float32Array(8 * 64).map((_, i) => Math.sin(i)), labels: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]), size: 8 };
    const finite = await parallel.compute(parameters, batch);
    // One infinite input pixel in the second shard only: its gradients are NaN, the first shard's are not.
    const poisoned = { ...batch, inputs: batch.inputs.slice() };
    poisoned.inputs[5 * 64 + 10] = Number.POSITIVE_INFINITY;
    const nonFinite = await parallel.compute(parameters, poisoned);
    await parallel.dispose();
    expect(finite.gradientsFinite).toBe(true);
    expect(nonFinite.gradientsFinite).toBe(false);
    tf.dispose([finite, nonFinite].flatMap((r) => [...Object.values(r.gradients), ...r.statistics.values()]));
    tf.dispose(Object.values(parameters));
  }, 60_000);

  it('run on the backend the run names, loaded through its plugin (cpu here, not a hard-coded WASM)', async () => {
    const { activateBackend, buildNetworkSpec, initializeParameters, registerBackendPlugin, tf } = await import('@procrustes/core');
    const { cpuBackendPlugin } = await import('@procrustes/backend-cpu');
    const { createDataParallelGradients } = await import('@procrustes/train/node');
    registerBackendPlugin(cpuBackendPlugin);
    await activateBackend('cpu');
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 2, inputShape: [8, 8, 1], classes: 3 });
    const parameters = initializeParameters(spec, 0);
    const parallel = await createDataParallelGradients(spec, 2, { backend: cpuBackendPlugin });
    const batch = { inputs: new Float32Array(8 * 64).map((_, i) => Math.sin(i)), labels: Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]), size: 8 };
    const result = await parallel.compute(parameters, batch);
    await parallel.dispose();
    expect(result.workerBackends).toEqual(['cpu', 'cpu']);
    tf.dispose([...Object.values(result.gradients), ...result.statistics.values()]);
  }, 60_000);

  it('refuse a backend plugin that names no module to load it from', async () => {
    const { buildNetworkSpec } = await import('@procrustes/core');
    const { createDataParallelGradients } = await import('@procrustes/train/node');
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 2, inputShape: [8, 8, 1], classes: 3 });
    const plugin = {
      name: 'inline',
      description: '',
      checkAvailability: async () => ({ available: true }),
      activate: async () => ({ plugin: 'inline', tfjsBackend: 'cpu', device: '', usingGpu: false }),
    };
    await expect(createDataParallelGradients(spec, 2, { backend: plugin })).rejects.toThrow(/'inline' cannot run in worker threads .* --workers 1/);
  });

  it('a probed step computed here shard by shard equals the workers’ step (and records the whole batch’s ratios)', async () => {
    const { activateBackend, buildNetworkSpec, initializeParameters, registerBackendPlugin, tf } = await import('@procrustes/core');
    const { wasmBackendPlugin } = await import('@procrustes/backend-wasm');
    const { createProbePlugin } = await import('@procrustes/probes');
    const { createDataParallelGradients } = await import('@procrustes/train/node');
    const { createSgdState, trainingStep } = await import('@procrustes/train');
    registerBackendPlugin(wasmBackendPlugin);
    await activateBackend('wasm');
    const spec = buildNetworkSpec({ family: 'resnet', block: 'basic', n: 1, width: 4, inputShape: [8, 8, 1], classes: 3 });
    const parallel = await createDataParallelGradients(spec, 2, { backend: wasmBackendPlugin });
    const batch = { inputs: new Float32Array(7 * 64).map((_, i) => Math.sin(i)), labels: Int32Array.from([0, 1, 2, 0, 1, 2, 0]), size: 7 };
    const weights: number[][] = [];
    for (const probed of [false, true]) {
      const parameters = initializeParameters(spec, 0);
      const probes = createProbePlugin({ every: 1 });
      const session = { spec, parameters, optimizer: createSgdState(spec), update: { momentum: 0.9, weightDecay: 1e-4 }, plugins: probed ? [probes] : [], parallel };
      for (let step = 0; step < 3; step++) {
        const result = await trainingStep(session, batch, { epoch: 0, batch: step, step, learningRate: 0.1 });
        if (probed) {
          const record = result.records[0].record as { units: Array<{ ratioMean: number }> };
          expect(record.units).toHaveLength(spec.units.length);
          for (const u of record.units) expect(Number.isFinite(u.ratioMean)).toBe(true);
        }
      }
      weights.push(Object.values(parameters).flatMap((p) => Array.from(p.dataSync())));
      tf.dispose([...Object.values(parameters), ...Object.values(session.optimizer)]);
    }
    await parallel.dispose();
    const worst = Math.max(...weights[0].map((w, i) => Math.abs(w - weights[1][i]) / Math.max(1e-3, Math.abs(w))));
    expect(worst).toBeLessThan(1e-4);
  }, 60_000);
});
