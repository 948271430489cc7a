import type { NetworkParameters, tf } from '@procrustes/core';
import type { HostBatch } from '@procrustes/data';

/** The combined result of one data-parallel step, as tensors on the main thread's backend. */
export interface ParallelGradients {
  loss: number;
  hits: number;
  gradients: Record<string, tf.Tensor>;
  /**
   * Every shard's gradients were finite, so their weighted mean is too (a convex combination
   * is bounded by its largest term): no check on this thread is needed.
   */
  gradientsFinite: boolean;
  statistics: Map<string, tf.Tensor1D>;
  /** Each worker's live tensor count after the step, to check for leaks. */
  workerTensors: number[];
  /** The tfjs backend each worker computed on. */
  workerBackends: string[];
  /** Each worker's time on its shard, in milliseconds (the rest of a step is the exchange and the update). */
  workerMilliseconds: number[];
}

export interface DataParallelGradients {
  workers: number;
  compute(parameters: NetworkParameters, batch: HostBatch): Promise<ParallelGradients>;
  dispose(): Promise<void>;
}
