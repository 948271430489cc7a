import type * as tf from '@tensorflow/tfjs-core';
import { usageError } from '../errors.js';
import type { NetworkParameters } from '../network/parameters.js';
import type { NetworkSpec } from '../network/spec.js';
import type { UnitTap } from '../network/forward.js';

/** What every hook sees. */
export interface TrainingContext {
  network: NetworkSpec;
  parameters: NetworkParameters;
  /** Epoch (0-based) and global step (0-based) of the step being run. */
  epoch: number;
  step: number;
  /** The run directory, when the trainer writes one. */
  runDirectory?: string;
}

export interface GradientContext extends TrainingContext {
  loss: tf.Scalar;
  /** Gradients by weight name; a hook may read them or replace entries (disposing the old). */
  gradients: Record<string, tf.Tensor>;
}

export interface EpochContext extends TrainingContext {
  metrics: Record<string, number>;
}

/**
 * Hooks around a training step. The trainer calls them in order; a plugin never needs to know
 * the trainer, and the trainer never needs to know the plugin.
 */
export interface TrainingPlugin {
  name: string;
  beforeStep?(context: TrainingContext): void | Promise<void>;
  /**
   * A tap on the units' inputs for this step's forward pass (e.g. to capture gradients with
   * respect to x_l in the same backward pass as training), or undefined for none.
   */
  tapFor?(step: number): UnitTap | undefined;
  afterGradients?(context: GradientContext): void | Promise<void>;
  afterUpdate?(context: TrainingContext): void | Promise<void>;
  onEpochEnd?(context: EpochContext): void | Promise<void>;
  /** Serialisable state saved in checkpoints (e.g. a generator position) and restored on resume. */
  saveState?(): unknown;
  restoreState?(state: unknown): void;
  dispose?(): void;
}

/** Creates a configured plugin instance for a run. */
export interface TrainingPluginFactory<Options = Record<string, unknown>> {
  name: string;
  description: string;
  create(options: Options): TrainingPlugin;
}

const trainingPlugins = new Map<string, TrainingPluginFactory<never>>();

export function registerTrainingPlugin<Options>(factory: TrainingPluginFactory<Options>): void {
  trainingPlugins.set(factory.name, factory as TrainingPluginFactory<never>);
}

export function listTrainingPlugins(): TrainingPluginFactory<never>[] {
  return [...trainingPlugins.values()];
}

export function createTrainingPlugin<Options>(name: string, options: Options): TrainingPlugin {
  const factory = trainingPlugins.get(name);
  if (!factory) {
    throw usageError(`unknown training plugin '${name}': choose one of ${[...trainingPlugins.keys()].join(', ') || '(none registered)'}`);
  }
  return (factory as unknown as TrainingPluginFactory<Options>).create(options);
}
