import type { RunConfig } from '@procrustes/train';
import { runConfigFromOptions, type TrainCommandOptions } from '../commands/train.js';
import type { StudyDefinition, StudyRun } from './definition.js';

/** What an initialisation probe is of: everything that decides its numbers. */
export interface InitializationDefinition {
  model: string;
  width: number;
  dataset: string;
  batch: number;
  seed: number;
  recomputeUnits: boolean;
}

/** The train command's options a study run resolves to: its defaults, then the study's, then the run's own. */
export function resolvedTrainOptions(study: StudyDefinition, run: Extract<StudyRun, { kind: 'train' }>, defaults: TrainCommandOptions): TrainCommandOptions {
  const { name: _name, kind: _kind, group: _group, ...settings } = run;
  return { ...defaults, ...study.defaults, ...settings };
}

/** The run config a study's training run defines (before the data is read). */
export function definedRunConfig(study: StudyDefinition, run: Extract<StudyRun, { kind: 'train' }>, defaults: TrainCommandOptions): RunConfig {
  const options = resolvedTrainOptions(study, run, defaults);
  return runConfigFromOptions(options, options.dataset);
}

export function initializationDefinition(study: StudyDefinition, run: Extract<StudyRun, { kind: 'initialization' }>, defaults: TrainCommandOptions): InitializationDefinition {
  return {
    model: run.model,
    width: run.width ?? study.defaults.width ?? 16,
    dataset: run.dataset ?? study.defaults.dataset ?? defaults.dataset,
    batch: run.batch ?? 32,
    seed: run.seed ?? study.defaults.seed ?? 0,
    recomputeUnits: run.recomputeUnits ?? false,
  };
}
