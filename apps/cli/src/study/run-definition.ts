import type { Initialization } from '@procrustes/core';
import { RUN_DEFAULTS, type RunConfig } from '@procrustes/train';
import { runConfigFromFlags, type TrainFlags } from '../run-flags.js';
import type { StudyDefinition, StudyRun } from './definition.js';

/** What an initialisation probe is of: everything that decides its numbers. */
export interface InitializationDefinition {
  model: string;
  width: number;
  dataset: string;
  batch: number;
  seed: number;
  recomputeUnits: boolean;
  /** Recorded only when chosen (absent: he-fan-out), so summaries made before the option stay valid. */
  initialization?: Initialization;
}

/** The train flags a study run resolves to: the study's defaults, then the run's own (the rest are `RUN_DEFAULTS`). */
export function resolvedTrainFlags(study: StudyDefinition, run: Extract<StudyRun, { kind: 'train' }>): TrainFlags {
  const { name: _name, kind: _kind, group: _group, ...settings } = run;
  return { ...study.defaults, ...settings };
}

/** The run config a study's training run defines (before the data is read). */
export function definedRunConfig(study: StudyDefinition, run: Extract<StudyRun, { kind: 'train' }>): RunConfig {
  return runConfigFromFlags(resolvedTrainFlags(study, run));
}

export function initializationDefinition(study: StudyDefinition, run: Extract<StudyRun, { kind: 'initialization' }>): InitializationDefinition {
  return {
    model: run.model,
    width: run.width ?? study.defaults.width ?? RUN_DEFAULTS.width,
    dataset: run.dataset ?? study.defaults.dataset ?? RUN_DEFAULTS.dataset,
    batch: run.batch ?? 32,
    seed: run.seed ?? study.defaults.seed ?? RUN_DEFAULTS.seed,
    recomputeUnits: run.recomputeUnits ?? false,
    ...((run.init ?? study.defaults.init) ? { initialization: run.init ?? study.defaults.init } : {}),
  };
}
