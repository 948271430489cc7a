import type { NetworkConfig } from '@procrustes/core';

export interface ShardRequest {
  /** Every parameter (trainable and running statistics) in spec order. */
  weights: Float32Array[];
  inputs: Float32Array;
  inputShape: [number, number, number, number];
  labels: Int32Array;
}

export interface ShardResult {
  /** Mean cross-entropy over the shard. */
  loss: number;
  hits: number;
  /** Gradients of the trainable parameters in spec order. */
  gradients: Float32Array[];
  /** Updated running statistics by name. */
  statisticNames: string[];
  statistics: Float32Array[];
  /** The worker's live tensor count after the step (flat from step to step). */
  tensors: number;
}

export type WorkerMessage = { kind: 'init'; network: NetworkConfig; recomputeUnits?: boolean } | { kind: 'step'; request: ShardRequest };
export type WorkerReply = { kind: 'ready' } | { kind: 'result'; result: ShardResult } | { kind: 'error'; message: string };
