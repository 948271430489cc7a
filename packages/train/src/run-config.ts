import type { NetworkConfig } from '@procrustes/core';
import type { Augmentation } from '@procrustes/data';
import type { LearningRateSchedule } from './schedule.js';

/** Everything that defines a run; saved as config.json in the run directory. */
export interface RunConfig {
  model: string;
  network: NetworkConfig;
  dataset: string;
  dataDirectory?: string;
  limitTrain?: number;
  limitTest?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  schedule: LearningRateSchedule;
  augmentation: Augmentation;
  seed: number;
  backend: string;
  /**
   * Worker threads for data-parallel steps (default 1: none). Each runs its own WASM backend on
   * an equal shard of the batch; batch norm then normalises per shard.
   */
  workers?: number;
  /**
   * Recompute each unit's inside in the backward pass instead of keeping it (gradient
   * checkpointing per unit): about 4× less activation memory for about 1.25× the step time.
   */
  recomputeUnits?: boolean;
  /**
   * The divergence guard: a loss above this multiple of the first step's loss stops the run,
   * keeping the last good checkpoint (default 100; 0 turns it off).
   */
  divergenceFactor?: number;
  /** Training plugins by name with their options. */
  plugins: Array<{ name: string; options: Record<string, unknown> }>;
  /**
   * What the run's data is (SHA-256 of the decoded training and test sets, after the limits),
   * recorded when the run starts; resume and evaluation refuse other data.
   */
  dataFingerprint?: { train: string; test: string };
}

export const DEFAULT_DIVERGENCE_FACTOR = 100;

/** One line of metrics.jsonl. */
export interface EpochMetrics {
  epoch: number;
  learningRate: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  imagesPerSecond: number;
  /** Training images the epoch's updates saw. */
  trainImages?: number;
  /** Peak resident memory of the run so far in this process (worker threads included), in MB; Node only. */
  peakRssMegabytes?: number;
}

/** The text config.json holds for a config (a checkpoint's manifest seals it without its epochs). */
export const configText = (config: RunConfig): string => JSON.stringify(config, null, 2);
