import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelName, usageError } from '@procrustes/core';
import type { TrainCommandOptions } from '../commands/train.js';

/** Train options a study may set, with the names of the `train` command's options (camelCase). */
export type StudyTrainOptions = Partial<Omit<TrainCommandOptions, 'out' | 'resume' | 'force' | 'quiet' | 'previousCheckpoint' | 'breakStaleLock'>>;

/** A run of a study: a training run, or a probe of the network at initialisation. */
export type StudyRun =
  | ({ name: string; kind: 'train' } & StudyTrainOptions & { model: string })
  | { name: string; kind: 'initialization'; model: string; width?: number; dataset?: string; batch?: number; seed?: number; recomputeUnits?: boolean };

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
const INITIALIZATION_KEYS = new Set(['model', 'width', 'dataset', 'batch', 'seed', 'recomputeUnits']);

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
  const names = new Set<string>();
  for (const run of study.runs) {
    if (typeof run.name !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(run.name))
      throw usageError(`${where}: run name ${JSON.stringify(run.name)} must be lower-case words, digits and hyphens`);
    if (names.has(run.name)) throw usageError(`${where}: two runs are named '${run.name}'`);
    names.add(run.name);
    const allowed = run.kind === 'train' ? TRAIN_KEYS : run.kind === 'initialization' ? INITIALIZATION_KEYS : undefined;
    if (!allowed) throw usageError(`${where}: run '${run.name}' has kind ${JSON.stringify((run as { kind?: unknown }).kind)}: use 'train' or 'initialization'`);
    for (const key of Object.keys(run)) if (key !== 'name' && key !== 'kind' && !allowed.has(key)) throw usageError(`${where}: run '${run.name}' has the unknown option '${key}'`);
    parseModelName(run.model);
  }
  return { ...study, defaults: study.defaults ?? {} };
}
