import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '@procrustes/core';
import { makeDirectory } from '@procrustes/core/node';
import { loadStudy } from './definition.js';
import { finishedSummary } from './finished-summary.js';
import { shellQuote, writeJobScripts, type JobArrayRequest, type JobArraySubmitter } from './job-array.js';
import { definedRunConfig } from './run-definition.js';

export interface ClusterOptions {
  out?: string;
  results?: string;
  dryRun?: boolean;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  /** More scheduler options, passed as they are (e.g. "--account=x"). */
  sbatch?: string[];
  log?: (line: string) => void;
}

/**
 * Submits a study's unfinished runs as one job array (a task per run, seeds included), each
 * task running `procrustes study <name> --run-index <i>` on the shared run and results
 * directories, and a job after it that writes the report. Runs already summarised are not
 * submitted. With `dryRun`, prints the scripts instead.
 */
export function submitStudyToCluster(
  name: string,
  submitter: JobArraySubmitter,
  options: ClusterOptions = {},
): { indices: number[]; jobs?: { arrayJob: string; afterJob: string } } {
  const log = options.log ?? console.log;
  const study = loadStudy(name);
  // Tasks run elsewhere and later: every path they are given is absolute.
  const definition = name.endsWith('.json') || existsSync(name) ? resolve(name) : name;
  const out = resolve(options.out ?? join('runs', 'studies', study.name));
  const results = resolve(options.results ?? join('docs', 'experiments', study.name));
  const indices = study.runs.flatMap((run, index) => (finishedSummary(study, results, run) ? [] : [index]));
  if (indices.length === 0) {
    log(`study ${study.name}: every run is summarised in ${join(results, 'summaries')}; nothing to submit (the report: procrustes study ${name} --report)`);
    return { indices };
  }
  const workers = Math.max(1, ...indices.map((i) => study.runs[i]).flatMap((run) => (run.kind === 'train' ? [definedRunConfig(study, run).workers ?? 1] : [1])));
  const cli = `${shellQuote(process.execPath)} ${shellQuote(resolve(process.argv[1]))}`;
  const request: JobArrayRequest = {
    name: `procrustes-${study.name}`,
    indices,
    taskCommand: `${cli} study ${shellQuote(definition)} --run-index "$TASK_INDEX" --out ${shellQuote(out)} --results ${shellQuote(results)}`,
    afterCommand: `${cli} study ${shellQuote(definition)} --report --results ${shellQuote(results)}`,
    workingDirectory: process.cwd(),
    logDirectory: join(out, 'slurm'),
    resources: { partition: options.partition, time: options.time, cpusPerTask: options.cpusPerTask ?? workers, memory: options.mem, extra: options.sbatch },
  };
  const runs = indices.map((i) => `${i} ${study.runs[i].name}`).join(', ');
  if (options.dryRun) {
    const scripts = submitter.scripts(request);
    log(`# ${indices.length} unfinished run${indices.length === 1 ? '' : 's'} of ${study.name} (${runs}); nothing submitted (--dry-run)`);
    log(`# the array (sbatch ${join(request.logDirectory, `${request.name}-array.sh`)}):\n${scripts.array}`);
    log(`# the report, after it (sbatch --dependency=afterany:<array job> ${join(request.logDirectory, `${request.name}-report.sh`)}):\n${scripts.after}`);
    return { indices };
  }
  const missing = submitter.unavailable();
  if (missing) throw usageError(missing);
  makeDirectory(request.logDirectory);
  makeDirectory(join(results, 'summaries'));
  const paths = writeJobScripts(submitter, request);
  const jobs = submitter.submit(paths);
  log(`submitted ${indices.length} run${indices.length === 1 ? '' : 's'} of ${study.name} as job array ${jobs.arrayJob} (${runs}); the report as job ${jobs.afterJob} after it`);
  log(`logs: ${request.logDirectory}; watch: squeue -j ${jobs.arrayJob},${jobs.afterJob}; a task that fails can be run again with scontrol requeue ${jobs.arrayJob}_<index>`);
  return { indices, jobs };
}
