import { canonicalJson, type RunConfig } from '@procrustes/train';
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

/**
 * The fields where what was made (a summary's config, or a run directory's config.json) differs
 * from what the definition now says, each as `field (was X, now Y)`. `addedAtStart` names the
 * top-level fields a run adds when it starts (the data's fingerprint): they are not part of its
 * definition.
 */
export function definitionDifferences(made: object, defined: object, addedAtStart: readonly string[] = [], prefix = ''): string[] {
  const differences: string[] = [];
  const keys = new Set([...Object.keys(made), ...Object.keys(defined)]);
  for (const key of [...keys].sort()) {
    if (prefix === '' && addedAtStart.includes(key)) continue;
    const value = (defined as Record<string, unknown>)[key];
    const theirs = (made as Record<string, unknown>)[key];
    if (canonicalJson(theirs) === canonicalJson(value)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && theirs && typeof theirs === 'object' && !Array.isArray(theirs)) {
      differences.push(...definitionDifferences(theirs, value, [], `${prefix}${key}.`));
      continue;
    }
    differences.push(`${prefix}${key} (was ${theirs === undefined ? 'unset' : canonicalJson(theirs)}, now ${canonicalJson(value)})`);
  }
  return differences;
}
