import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelName, usageError, type Initialization } from '@procrustes/core';
import type { TrainFlags } from '../run-flags.js';

/** Train options a study may set, with the names of the `train` command's options (camelCase). */
export type StudyTrainOptions = Partial<Omit<TrainFlags, 'out' | 'resume' | 'force' | 'quiet' | 'previousCheckpoint' | 'breakStaleLock'>>;

/**
 * A run of a study: a training run, or a probe of the network at initialisation. `group` is the
 * name the definition gave it: a run defined with `seeds` becomes one run per seed, named
 * `<group>-seed<k>`, and the report aggregates a group over its seeds.
 */
export type StudyRun =
  | ({ name: string; kind: 'train'; group?: string } & StudyTrainOptions & { model: string })
  | {
      name: string;
      kind: 'initialization';
      group?: string;
      model: string;
      width?: number;
      init?: Initialization;
      dataset?: string;
      batch?: number;
      seed?: number;
      recomputeUnits?: boolean;
    };

export interface StudyDefinition {
  name: string;
  /** Bumped whenever a run changes meaning; summaries record it. */
  version: number;
  description: string;
  /** Options every training run starts from. */
  defaults: StudyTrainOptions;
  runs: StudyRun[];
}

/** The directory of the study definitions shipped with the CLI (apps/cli/studies). */
export const STUDIES_DIRECTORY = fileURLToPath(new URL('../studies/', import.meta.url));

export function listStudies(): string[] {
  return existsSync(STUDIES_DIRECTORY)
    ? readdirSync(STUDIES_DIRECTORY)
        .filter((f) => f.endsWith('.json'))
        .map((f) => basename(f, '.json'))
        .sort()
    : [];
}

const TRAIN_KEYS = new Set<string>([
  'model',
  'dataset',
  'dataDir',
  'epochs',
  'batch',
  'lr',
  'momentum',
  'weightDecay',
  'schedule',
  'milestones',
  'gamma',
  'pad',
  'flip',
  'width',
  'init',
  'backend',
  'seed',
  'limitTrain',
  'limitTest',
  'regulFreq',
  'spectralMode',
  'spectralMethod',
  'spectralCompat',
  'spectralTargets',
  'spectralScale',
  'spectralMax',
  'spectralIterations',
  'onNonfinite',
  'probeEvery',
  'workers',
  'recomputeUnits',
  'divergenceFactor',
  'spectraEvery',
  'checkpointEvery',
]);
const INITIALIZATION_KEYS = new Set(['model', 'width', 'init', 'dataset', 'batch', 'seed', 'recomputeUnits']);

/** Reads a study by name (one of apps/cli/studies) or from a path to its JSON file, and checks it. */
export function loadStudy(nameOrPath: string): StudyDefinition {
  const path = nameOrPath.endsWith('.json') ? nameOrPath : join(STUDIES_DIRECTORY, `${nameOrPath}.json`);
  if (!existsSync(path)) throw usageError(`unknown study '${nameOrPath}': choose one of ${listStudies().join(', ') || '(none)'} or give the path of a definition (.json)`);
  let study: StudyDefinition;
  try {
    study = JSON.parse(readFileSync(path, 'utf8')) as StudyDefinition;
  } catch (error) {
    throw usageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const where = `study ${path}`;
  if (typeof study.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(study.name)) throw usageError(`${where}: name must be lower-case words with hyphens`);
  if (!Number.isInteger(study.version) || study.version < 1) throw usageError(`${where}: version must be a positive integer`);
  if (!Array.isArray(study.runs) || study.runs.length === 0) throw usageError(`${where}: runs must be a non-empty list`);
  for (const key of Object.keys(study.defaults ?? {})) if (!TRAIN_KEYS.has(key)) throw usageError(`${where}: defaults has the unknown option '${key}'`);
  // Runs with seeds are taken seed by seed (every run's first seed, then every run's second…), so
  // that a study stopped early holds complete comparisons for its first seeds.
  const expanded: Array<{ run: StudyRun; position: number }> = [];
  for (const run of study.runs as Array<StudyRun & { seeds?: unknown }>) {
    if (typeof run.name !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(run.name))
      throw usageError(`${where}: run name ${JSON.stringify(run.name)} must be lower-case words, digits and hyphens`);
    const allowed = run.kind === 'train' ? TRAIN_KEYS : run.kind === 'initialization' ? INITIALIZATION_KEYS : undefined;
    if (!allowed) throw usageError(`${where}: run '${run.name}' has kind ${JSON.stringify((run as { kind?: unknown }).kind)}: use 'train' or 'initialization'`);
    for (const key of Object.keys(run))
      if (key !== 'name' && key !== 'kind' && key !== 'seeds' && !allowed.has(key)) throw usageError(`${where}: run '${run.name}' has the unknown option '${key}'`);
    parseModelName(run.model);
    const { seeds, ...single } = run;
    if (seeds === undefined) {
      expanded.push({ run: { ...single, group: run.name }, position: 0 });
      continue;
    }
    if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0) || new Set(seeds).size !== seeds.length)
      throw usageError(`${where}: run '${run.name}' has seeds ${JSON.stringify(seeds)}: give a list of distinct non-negative integers, e.g. [0, 1, 2]`);
    if ('seed' in run) throw usageError(`${where}: run '${run.name}' gives both seed and seeds: keep one (seeds makes one run per seed)`);
    for (const [position, seed] of (seeds as number[]).entries()) expanded.push({ run: { ...single, name: `${run.name}-seed${seed}`, group: run.name, seed }, position });
  }
  const runs = expanded.sort((a, b) => a.position - b.position).map((e) => e.run);
  const names = new Set<string>();
  for (const run of runs) {
    if (names.has(run.name)) throw usageError(`${where}: two runs are named '${run.name}'${run.group !== run.name ? ` (one of them from the seeds of '${run.group}')` : ''}`);
    names.add(run.name);
  }
  return { ...study, defaults: study.defaults ?? {}, runs };
}
