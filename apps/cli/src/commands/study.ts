import { existsSync, readFileSync } from 'node:fs';
import { makeDirectory, writeFileAtomically } from '@procrustes/core/node';
import { join } from 'node:path';
import type { Command } from 'commander';
import { activateBackend, usageError } from '@procrustes/core';
import type { ImageDataset } from '@procrustes/data';
import { loadDataset } from '@procrustes/data/node';
import { ADDED_AT_START, configDifferences, describeDifferences, RUN_DEFAULTS } from '@procrustes/train';
import { hasCheckpoint, readRunConfig } from '@procrustes/train/node';
import { listStudies, loadStudy, type StudyDefinition, type StudyRun } from '../study/definition.js';
import { writeStudyReport } from '../study/study-report.js';
import { definedRunConfig, initializationDefinition, resolvedTrainFlags } from '../study/run-definition.js';
import { summarizeInitialization, summarizeTraining, type RunSummary } from '../study/summaries.js';
import { measuredWith } from '../measurement.js';
import type { TrainFlags } from '../run-flags.js';
import { runTraining } from '../run-training.js';

export interface StudyCommandOptions {
  out?: string;
  results?: string;
  report?: boolean;
  only?: string[];
  breakStaleLock?: boolean;
  log?: (line: string) => void;
}

export const summaryPath = (results: string, run: string) => join(results, 'summaries', `${run}.json`);

/**
 * The summary already made for a run under this version of the study and this definition of
 * the run, or undefined. A summary whose run was defined otherwise (another rate, seed, recipe,
 * or train default) is refused by name, never reused.
 */
function finishedSummary(study: StudyDefinition, results: string, run: StudyRun): RunSummary | undefined {
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

/**
 * Runs a study: each run not yet summarised is trained (resumed if it has a checkpoint) or
 * probed, and summarised into `<results>/summaries/<run>.json`; runs already summarised are
 * skipped. Stops, resumable, when a run is interrupted, and after the run in hand when a stop
 * signal arrives as a run finishes or between runs.
 */
export async function runStudy(name: string, options: StudyCommandOptions = {}): Promise<void> {
  const log = options.log ?? console.log;
  const study = loadStudy(name);
  const out = options.out ?? join('runs', 'studies', study.name);
  const results = options.results ?? join('docs', 'experiments', study.name);
  makeDirectory(join(results, 'summaries'));
  const runs = options.only ? study.runs.filter((r) => options.only!.includes(r.name)) : study.runs;
  for (const wanted of options.only ?? [])
    if (!study.runs.some((r) => r.name === wanted)) throw usageError(`study ${study.name} has no run '${wanted}': its runs are ${study.runs.map((r) => r.name).join(', ')}`);
  const datasets = new Map<string, ImageDataset>();
  // The study's own handler: a signal that arrives while a run finishes (its last step, its
  // evaluation) ends that run normally, and one between runs would otherwise kill the process
  // before the summary; either way the study stops after summarising the run in hand.
  let stopSignal: NodeJS.Signals | undefined;
  const onStopSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) process.exit(signal === 'SIGINT' ? 130 : 143); // a second signal: stop now
    stopSignal = signal;
    log(`${signal}: the study stops after the run in hand (send it again to stop at once)`);
  };
  process.on('SIGINT', onStopSignal);
  process.on('SIGTERM', onStopSignal);
  try {
    await runEach();
  } finally {
    process.off('SIGINT', onStopSignal);
    process.off('SIGTERM', onStopSignal);
  }

  async function runEach(): Promise<void> {
    for (const run of runs) {
      if (finishedSummary(study, results, run)) {
        log(`=== ${run.name}: summarised earlier, skipped ===`);
        continue;
      }
      log(`\n=== ${run.name} (${run.kind}, ${run.model}) ===`);
      let summary: RunSummary;
      if (run.kind === 'initialization') {
        const datasetName = run.dataset ?? study.defaults.dataset ?? RUN_DEFAULTS.dataset;
        await activateBackend(study.defaults.backend ?? RUN_DEFAULTS.backend);
        if (!datasets.has(datasetName)) datasets.set(datasetName, await loadDataset(datasetName, { dataDirectory: study.defaults.dataDir, log }));
        // A measurement: with the direct kernels (Winograd stays for training).
        summary = await measuredWith('off', () => summarizeInitialization(study, run, initializationDefinition(study, run), datasets.get(datasetName)!));
        log(
          `mean |log r|: residual ${summary.residual.mean.toFixed(4)}, transitions ${summary.transitions.mean.toFixed(4)}; δ ${summary.delta.toFixed(3)} (${summary.seconds.toFixed(1)} s)`,
        );
      } else {
        const directory = join(out, run.name);
        const { name: _name, kind: _kind, group: _group, ...settings } = run;
        const given = new Set([...Object.keys(study.defaults), ...Object.keys(settings)]);
        const resume = existsSync(join(directory, 'config.json')) && hasCheckpoint(directory);
        if (resume) {
          // A run begun under an earlier definition is not continued under the new one.
          const differences = configDifferences(readRunConfig(directory), definedRunConfig(study, run), [...ADDED_AT_START, 'epochs']);
          if (differences.length > 0)
            throw usageError(
              `${directory} holds a run begun under another definition of '${run.name}' than study ${study.name} now gives: ${describeDifferences(differences)}. ` +
                'Remove that run directory to train the run as now defined, or restore the definition',
            );
        }
        const trainOptions: TrainFlags = {
          ...resolvedTrainFlags(study, run),
          out: directory,
          resume,
          force: !resume,
          quiet: true,
          breakStaleLock: options.breakStaleLock,
        };
        const history = await runTraining(trainOptions, log, given);
        if (typeof process.exitCode === 'number' && process.exitCode !== 0) {
          log(`study ${study.name} stopped in '${run.name}'; run the same command again to continue`);
          return;
        }
        const config = readRunConfig(directory);
        if (history.length < config.epochs) throw new Error(`run '${run.name}' ended after ${history.length} of ${config.epochs} epochs`);
        summary = summarizeTraining(study, run, directory);
      }
      await writeFileAtomically(summaryPath(results, run.name), `${JSON.stringify(summary, null, 1)}\n`);
      log(`summary: ${summaryPath(results, run.name)}`);
      if (stopSignal) {
        log(`study ${study.name} stopped by ${stopSignal} after '${run.name}'; run the same command again to continue`);
        process.exitCode = stopSignal === 'SIGTERM' ? 143 : 130;
        return;
      }
    }
    log(`\nstudy ${study.name}: ${runs.length} runs summarised in ${join(results, 'summaries')}; figures: procrustes study ${study.name} --report`);
  }
}

export function addStudyCommand(program: Command): void {
  program
    .command('study')
    .description(
      'run a named study (apps/cli/studies/<name>.json): train or probe each run, resume the unfinished, skip the summarised; --report draws its figures from the summaries',
    )
    .argument('[name]', `a study (${listStudies().join(', ')}) or the path of a definition (.json)`)
    .option('--out <dir>', 'where the run directories go (default runs/studies/<name>)')
    .option('--results <dir>', 'where the summaries and figures go (default docs/experiments/<name>)')
    .option('--only <runs>', 'only these runs, comma-separated', (value: string) => value.split(',').map((v) => v.trim()))
    .option('--report', 'draw the figures and tables from the summaries (no training)')
    .option('--break-stale-lock', 'remove run locks that cannot be checked (another host’s, or unreadable); a dead process’s lock on this host is taken over without it')
    .action(async (name: string | undefined, options: StudyCommandOptions) => {
      if (!name) {
        for (const study of listStudies()) console.log(`${study.padEnd(24)} ${loadStudy(study).description}`);
        return;
      }
      if (options.report) {
        const study = loadStudy(name);
        const written = await writeStudyReport(study, options.results ?? join('docs', 'experiments', study.name));
        console.log(`report: ${written.markdown} (${written.figures.length} figure${written.figures.length === 1 ? '' : 's'}, each as SVG and PNG)`);
        return;
      }
      await runStudy(name, options);
    });
}
