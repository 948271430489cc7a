import { Worker } from 'node:worker_threads';
import { tf, usageError, type BackendPlugin, type NetworkSpec } from '@procrustes/core';
import { batchShards } from './batch-shards.js';
import type { DataParallelGradients, ParallelGradients } from './parallel-gradients.js';

export type { DataParallelGradients, ParallelGradients };
import type { ShardResult, WorkerMessage, WorkerReply } from './protocol.js';

/** Σ_k weights[k] · arrays[k], elementwise; plain loops, as this runs on every step for every weight. */
function weightedSum(arrays: Float32Array[], weights: number[]): Float32Array {
  const sum = new Float32Array(arrays[0].length);
  for (let k = 0; k < arrays.length; k++) {
    const values = arrays[k];
    const weight = weights[k];
    for (let j = 0; j < sum.length; j++) sum[j] += weight * values[j];
  }
  return sum;
}

export function ask(worker: Worker, message: WorkerMessage, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const detach = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: WorkerReply) => {
      detach();
      if (reply.kind === 'error') reject(new Error(`training worker: ${reply.message}`));
      else resolve(reply);
    };
    const onError = (error: Error) => {
      detach();
      reject(new Error(`training worker failed: ${error.message}`));
    };
    // A worker can end without an error event (a WASM abort exits it): never wait forever.
    const onExit = (code: number) => {
      detach();
      reject(new Error(`training worker exited (code ${code}) before replying; if the WASM heap ran out of memory, use a smaller batch or more workers`));
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(message, transfer);
  });
}

/**
 * Data-parallel gradients over worker threads, each with its own engine on the run's backend
 * (tfjs's WASM backend runs one thread in Node, so threads are how it uses more cores). The batch is split into equal shards; the gradient of the batch mean is
 * the size-weighted mean of the shards' gradients. Batch norm normalises each shard with its own
 * statistics (as data-parallel training does), and the running statistics are averaged.
 */
export async function createDataParallelGradients(
  spec: NetworkSpec,
  workers: number,
  options: { backend: BackendPlugin; recomputeUnits?: boolean },
): Promise<DataParallelGradients> {
  if (!Number.isInteger(workers) || workers < 2) throw usageError(`data-parallel training needs at least 2 workers, got ${workers}`);
  const module = options.backend.module;
  if (!module) throw usageError(`the backend plugin '${options.backend.name}' cannot run in worker threads (it names no module to load it from): train with --workers 1`);
  const script = new URL('./step-worker.js', import.meta.url);
  const pool = Array.from({ length: workers }, () => new Worker(script));
  // After a failure the other workers are stopped too: a live worker would keep the process running.
  const stopAllOnFailure = async (error: unknown): Promise<never> => {
    await Promise.all(pool.map((w) => w.terminate()));
    throw error;
  };
  await Promise.all(pool.map((w) => ask(w, { kind: 'init', network: spec.config, backend: { name: options.backend.name, module }, recomputeUnits: options.recomputeUnits }))).catch(
    stopAllOnFailure,
  );
  const trainable = spec.parameters.filter((p) => p.trainable);
  return {
    workers,
    async compute(parameters, batch) {
      const [h, w, c] = spec.config.inputShape;
      const imageSize = h * w * c;
      const weights = await Promise.all(spec.parameters.map(async (p) => (await parameters[p.name].data()) as Float32Array));
      const shards = batchShards(batch, workers, imageSize);
      const replies = await Promise.all(
        shards.map((shard, k) =>
          ask(pool[k], {
            kind: 'step',
            // Copies: the shards' buffers are transferred to the workers.
            request: { weights, inputs: shard.inputs.slice(), inputShape: [shard.size, h, w, c], labels: shard.labels.slice() },
          }),
        ),
      ).catch(stopAllOnFailure);
      const results = replies.map((r) => (r as { result: ShardResult }).result);
      const fractions = shards.map((shard) => shard.size / batch.size);
      const gradients: Record<string, tf.Tensor> = {};
      trainable.forEach((p, i) => {
        gradients[p.name] = tf.tensor(
          weightedSum(
            results.map((r) => r.gradients[i]),
            fractions,
          ),
          p.shape,
        );
      });
      const statistics = new Map<string, tf.Tensor1D>();
      results[0].statisticNames.forEach((name, i) => {
        statistics.set(
          name,
          tf.tensor1d(
            weightedSum(
              results.map((r) => r.statistics[i]),
              fractions,
            ),
          ),
        );
      });
      return {
        loss: results.reduce((s, r, k) => s + fractions[k] * r.loss, 0),
        hits: results.reduce((s, r) => s + r.hits, 0),
        gradients,
        gradientsFinite: results.every((r) => r.gradientsFinite),
        statistics,
        workerTensors: results.map((r) => r.tensors),
        workerBackends: results.map((r) => r.backend),
        workerMilliseconds: results.map((r) => r.milliseconds),
      };
    },
    async dispose() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
