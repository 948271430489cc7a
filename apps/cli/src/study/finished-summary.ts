import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '@procrustes/core';
import { ADDED_AT_START, configDifferences, describeDifferences } from '@procrustes/train';
import type { StudyDefinition, StudyRun } from './definition.js';
import { definedRunConfig, initializationDefinition } from './run-definition.js';
import type { RunSummary } from './summaries.js';

export const summaryPath = (results: string, run: string) => join(results, 'summaries', `${run}.json`);

/**
 * The summary already made for a run under this version of the study and this definition of
 * the run, or undefined. A summary whose run was defined otherwise (another rate, seed, recipe,
 * or train default) is refused by name, never reused.
 */
export function finishedSummary(study: StudyDefinition, results: string, run: StudyRun): RunSummary | undefined {
  const path = summaryPath(results, run.name);
  if (!existsSync(path)) return undefined;
  let summary: RunSummary;
  try {
    summary = JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
  } catch (error) {
    throw usageError(`${path} is not valid JSON (${(error as Error).message}): remove it to run '${run.name}' again`);
  }
  if (summary.studyVersion !== study.version) {
    throw usageError(
      `${path} was made by version ${summary.studyVersion} of the study ${study.name}, which is now at version ${study.version}: remove it to run '${run.name}' again`,
    );
  }
  const differences =
    run.kind === 'train'
      ? summary.kind === 'train'
        ? configDifferences(summary.config, definedRunConfig(study, run), ADDED_AT_START)
        : [{ field: 'kind', was: 'initialization', now: 'train' }]
      : summary.kind === 'initialization'
        ? configDifferences(summary.definition ?? {}, initializationDefinition(study, run))
        : [{ field: 'kind', was: 'train', now: 'initialization' }];
  if (differences.length > 0) {
    throw usageError(
      `${path} was made for another definition of run '${run.name}' than study ${study.name} now gives: ${describeDifferences(differences)}. ` +
        `Its results are not reused: remove the summary to run '${run.name}' again as now defined, or restore the definition (and bump the study's version when a run changes meaning)`,
    );
  }
  return summary;
}
