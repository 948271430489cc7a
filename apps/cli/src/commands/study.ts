import { existsSync } from 'node:fs';
import { makeDirectory, writeFileAtomically } from '@procrustes/core/node';
import { join } from 'node:path';
import type { Command } from 'commander';
import { activateBackend, usageError } from '@procrustes/core';
import type { ImageDataset } from '@procrustes/data';
import { loadDataset } from '@procrustes/data/node';
import { ADDED_AT_START, configDifferences, describeDifferences, RUN_DEFAULTS } from '@procrustes/train';
import { hasCheckpoint, lockRunDirectory, readRunConfig } from '@procrustes/train/node';
import { listStudies, loadStudy } from '../study/definition.js';
import { definedRunConfig, initializationDefinition, resolvedTrainFlags } from '../study/run-definition.js';
import { summarizeInitialization, summarizeTraining, type RunSummary } from '../study/summaries.js';
import { finishedSummary, summaryPath } from '../study/finished-summary.js';
import { measuredWith } from '../measurement.js';
import { flagName, type TrainFlags } from '../run-flags.js';
import { runTraining } from '../run-training.js';
import { parseNonNegativeInteger, parsePositiveInteger } from '../options.js';
import { submitStudyToCluster, type ClusterOptions } from '../study/cluster-submission.js';
import { slurmSubmitter } from '../study/job-array.js';
import { studyStatus, studyStatusLines } from '../study/study-status.js';

export interface StudyCommandOptions extends ClusterOptions {
  report?: boolean;
  status?: boolean;
  only?: string[];
  /** Only the run at this position of the study's runs (seeds expanded): one task of a job array. */
  runIndex?: number;
  breakStaleLock?: boolean;
  slurm?: boolean;
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
  if (options.runIndex !== undefined && !(options.runIndex < study.runs.length))
    throw usageError(`--run-index ${options.runIndex} is past the last run of study ${study.name} (it has ${study.runs.length}, indexed from 0)`);
  const runs = options.runIndex !== undefined ? [study.runs[options.runIndex]] : options.only ? study.runs.filter((r) => options.only!.includes(r.name)) : study.runs;
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
        // Summarised under the run's lock: a twin of this task (a double submit, a requeue) is
        // refused here while this one writes, and finds the summary made when it gets the lock.
        const lock = await lockRunDirectory(directory, { breakStale: options.breakStaleLock });
        try {
          if (finishedSummary(study, results, run)) {
            log(`summary: ${summaryPath(results, run.name)} (made meanwhile by another process)`);
            continue;
          }
          await writeFileAtomically(summaryPath(results, run.name), `${JSON.stringify(await summarizeTraining(study, run, directory), null, 1)}\n`);
        } finally {
          lock.release();
        }
        log(`summary: ${summaryPath(results, run.name)}`);
        if (stopSignal) {
          log(`study ${study.name} stopped by ${stopSignal} after '${run.name}'; run the same command again to continue`);
          process.exitCode = stopSignal === 'SIGTERM' ? 143 : 130;
          return;
        }
        continue;
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
    .option('--status', 'show which runs are summarised, running, stopped or not started, and the time left at the pace of the summarised runs (no training)')
    .option('--break-stale-lock', 'remove run locks that cannot be checked (another host’s, or unreadable); a dead process’s lock on this host is taken over without it')
    .option('--run-index <i>', "only the run at this position of the study's runs (seeds expanded, from 0): one task of a job array", parseNonNegativeInteger)
    .option('--slurm', 'submit the unfinished runs as a Slurm job array (a task per run) and the report as a job after it, instead of running them here')
    .option('--dry-run', 'with --slurm: print the job scripts, submit nothing')
    .option('--partition <name>', 'with --slurm: the partition')
    .option('--time <limit>', 'with --slurm: the time limit of each task (e.g. 2:00:00)')
    .option('--cpus-per-task <n>', "with --slurm: CPUs of each task (default: the runs' largest --workers)", parsePositiveInteger)
    .option('--mem <size>', 'with --slurm: the memory of each task (e.g. 8G)')
    .option('--sbatch <option>', 'with --slurm: another sbatch option, as it is (repeatable, e.g. --sbatch=--account=x)', (value: string, list: string[] = []) => [...list, value])
    .action(async (name: string | undefined, options: StudyCommandOptions) => {
      const slurmOnly = (['dryRun', 'partition', 'time', 'cpusPerTask', 'mem', 'sbatch'] as const).filter((key) => options[key] !== undefined);
      if (!options.slurm && slurmOnly.length > 0) throw usageError(`${slurmOnly.map(flagName).join(', ')} go${slurmOnly.length === 1 ? 'es' : ''} with --slurm`);
      if (options.status) {
        if (!name) throw usageError('--status needs the study: procrustes study <name> --status');
        const others = (['report', 'slurm', 'only', 'runIndex'] as const).filter((key) => options[key] !== undefined);
        if (others.length > 0) throw usageError(`--status only reads where the study stands: leave out ${others.map(flagName).join(', ')}`);
        const study = loadStudy(name);
        const out = options.out ?? join('runs', 'studies', study.name);
        for (const line of studyStatusLines(study, studyStatus(study, out, options.results ?? join('docs', 'experiments', study.name)))) console.log(line);
        return;
      }
      if (options.slurm && name) {
        if (options.report || options.only || options.runIndex !== undefined) throw usageError('--slurm submits every unfinished run: leave out --report, --only and --run-index');
        submitStudyToCluster(name, slurmSubmitter, options);
        return;
      }
      if (!name) {
        for (const study of listStudies()) console.log(`${study.padEnd(24)} ${loadStudy(study).description}`);
        return;
      }
      if (options.report) {
        const study = loadStudy(name);
        // Loads the report package (about a second) only when a report is drawn.
        const { writeStudyReport, STUDY_SVG_LIMIT_BYTES } = await import('../study/study-report.js');
        const written = await writeStudyReport(study, options.results ?? join('docs', 'experiments', study.name));
        const pngOnly = written.figures.filter((path) => path.endsWith('.png')).length;
        console.log(
          `report: ${written.markdown} (${written.figures.length} figure${written.figures.length === 1 ? '' : 's'}, each as SVG and PNG${pngOnly > 0 ? `, ${pngOnly} as PNG only: its SVG would pass ${STUDY_SVG_LIMIT_BYTES / 1e6} MB` : ''})`,
        );
        return;
      }
      await runStudy(name, options);
    });
}
