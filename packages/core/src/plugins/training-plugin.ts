import type * as tf from '@tensorflow/tfjs-core';
import { usageError } from '../errors.js';
import { processRegistry } from './registry.js';
import type { NetworkParameters } from '../network/parameters.js';
import type { NetworkSpec } from '../network/spec.js';
import type { UnitTap } from '../network/forward.js';

/**
 * A record a plugin hands back to whoever runs the training loop: the trainer appends it as one
 * line of `<stream>.jsonl` in the run directory (and truncates that file on resume, so records
 * match the checkpoint); the browser page keeps it in memory. Plugins never write files.
 */
export interface PluginRecord {
  /** One of the plugin's declared `records` streams. */
  stream: string;
  record: Record<string, unknown>;
}

/** What a hook may return: nothing, or records. */
export type HookResult = void | PluginRecord[] | Promise<void | PluginRecord[]>;

/** Stream names are file names: lower-case words with hyphens; `metrics` is the trainer's own. */
export const RECORD_STREAM_PATTERN = /^[a-z][a-z0-9-]*$/;

/** What every hook sees. */
export interface TrainingContext {
  network: NetworkSpec;
  parameters: NetworkParameters;
  /** Epoch (0-based) and global step (0-based) of the step being run. */
  epoch: number;
  step: number;
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
  /** The record streams the plugin's hooks return records in (e.g. ['probes']). */
  records?: string[];
  beforeStep?(context: TrainingContext): void | Promise<void>;
  /**
   * A tap on the units' inputs for this step's forward pass (e.g. to capture gradients with
   * respect to x_l in the same backward pass as training), or undefined for none. Called once
   * per forward pass: once per step, or once per shard when a data-parallel step is computed
   * on this thread shard by shard (then each call needs a tap of its own).
   */
  tapFor?(step: number): UnitTap | undefined;
  afterGradients?(context: GradientContext): HookResult;
  afterUpdate?(context: TrainingContext): HookResult;
  onEpochEnd?(context: EpochContext): HookResult;
  /** Serialisable state saved in checkpoints (e.g. a generator position) and restored on resume. */
  saveState?(): unknown;
  restoreState?(state: unknown): void;
  dispose?(): void;
}

/** Creates a configured plugin instance for a run. */
export interface TrainingPluginFactory<Options = Record<string, unknown>> {
  name: string;
  description: string;
  /**
   * The options a run records for this plugin when it is given none (they are written into the
   * run's config, so a run says how its plugin was configured whatever later defaults become).
   */
  defaults?: Partial<Options>;
  create(options: Options): TrainingPlugin;
}

const trainingPlugins = processRegistry<TrainingPluginFactory<never>>('training plugin');

export function registerTrainingPlugin<Options>(factory: TrainingPluginFactory<Options>): void {
  trainingPlugins.register(factory as TrainingPluginFactory<never>);
}

export function unregisterTrainingPlugin(name: string): void {
  trainingPlugins.unregister(name);
}

export function listTrainingPlugins(): TrainingPluginFactory<never>[] {
  return trainingPlugins.list();
}

/** A registered plugin's recorded defaults; names what to register when the plugin is not. */
export function trainingPluginDefaults(name: string): Record<string, unknown> {
  const factory = trainingPlugins.get(name);
  if (!factory) {
    throw usageError(
      `the training plugin '${name}' is not registered: register its factory first (registerTrainingPlugin from @procrustes/core; the regularizer and monitor are in @procrustes/spectral, the probes in @procrustes/probes)`,
    );
  }
  return { ...(factory.defaults ?? {}) };
}

export function createTrainingPlugin<Options>(name: string, options: Options): TrainingPlugin {
  const factory = trainingPlugins.get(name);
  if (!factory) {
    throw usageError(
      `unknown training plugin '${name}': choose one of ${
        trainingPlugins
          .list()
          .map((f) => f.name)
          .join(', ') || '(none registered)'
      }`,
    );
  }
  return (factory as unknown as TrainingPluginFactory<Options>).create(options);
}

/** The streams of a set of plugins, checked: valid names, not `metrics`, no stream claimed twice. */
export function recordStreamsOf(plugins: TrainingPlugin[]): string[] {
  const owners = new Map<string, string>();
  for (const plugin of plugins) {
    for (const stream of plugin.records ?? []) {
      if (!RECORD_STREAM_PATTERN.test(stream) || stream === 'metrics') {
        throw new Error(`training plugin '${plugin.name}' declares the record stream '${stream}': use lower-case words with hyphens, other than 'metrics'`);
      }
      const owner = owners.get(stream);
      if (owner) throw new Error(`training plugins '${owner}' and '${plugin.name}' both declare the record stream '${stream}'`);
      owners.set(stream, plugin.name);
    }
  }
  return [...owners.keys()];
}
