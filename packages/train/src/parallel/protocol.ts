import type { BackendPluginModule, NetworkConfig } from '@procrustes/core';

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
  /** No gradient holds NaN or ±∞ (checked on the worker, where the gradients were made). */
  gradientsFinite: boolean;
  /** Updated running statistics by name. */
  statisticNames: string[];
  statistics: Float32Array[];
  /** The worker's live tensor count after the step (flat from step to step). */
  tensors: number;
  /** The tfjs backend the worker computed on. */
  backend: string;
  /** Milliseconds from the request's arrival to the reply (weights in, forward, backward, gradients out). */
  milliseconds: number;
}

/** The worker loads the run's backend plugin from its module and activates it by name, through the registry. */
export type WorkerMessage =
  | { kind: 'init'; network: NetworkConfig; backend: { name: string; module: BackendPluginModule }; recomputeUnits?: boolean }
  | { kind: 'step'; request: ShardRequest };
export type WorkerReply = { kind: 'ready' } | { kind: 'result'; result: ShardResult } | { kind: 'error'; message: string };
