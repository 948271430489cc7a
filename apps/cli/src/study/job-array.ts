import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** What a job array runs: one task per index, each a command; and what runs when they are done. */
export interface JobArrayRequest {
  /** A name for the jobs (e.g. the study's). */
  name: string;
  /** The task indices to run (a study's unfinished runs). */
  indices: number[];
  /** The command of one task, with `$TASK_INDEX` standing for its index. */
  taskCommand: string;
  /** The command that runs after every task has ended (the report). */
  afterCommand: string;
  /** The directory the commands run in. */
  workingDirectory: string;
  /** Where the scheduler writes the tasks' output. */
  logDirectory: string;
  /** Scheduler options passed through as they are (partition, time, CPUs, memory). */
  resources: { partition?: string; time?: string; cpusPerTask?: number; memory?: string; extra?: string[] };
}

/**
 * A scheduler that runs job arrays: the small interface a study's cluster runs go through.
 * Slurm is the one built and tested; another (PBS, LSF) would implement the same three parts.
 */
export interface JobArraySubmitter {
  name: string;
  /** Why the scheduler cannot be used here (its commands missing), or undefined. */
  unavailable(): string | undefined;
  /** The scripts a request becomes: the array's, and the one that runs after it. */
  scripts(request: JobArrayRequest): { array: string; after: string };
  /** Submits the array, then the job that runs after it; returns both job ids. */
  submit(scriptPaths: { array: string; after: string }): { arrayJob: string; afterJob: string };
}

/** A value as one word of a POSIX shell command. */
export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

function slurmHeader(request: JobArrayRequest, name: string, output: string): string[] {
  const { resources } = request;
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${output}`,
    '#SBATCH --open-mode=append',
    ...(resources.partition ? [`#SBATCH --partition=${resources.partition}`] : []),
    ...(resources.time ? [`#SBATCH --time=${resources.time}`] : []),
    ...(resources.cpusPerTask ? [`#SBATCH --cpus-per-task=${resources.cpusPerTask}`] : []),
    ...(resources.memory ? [`#SBATCH --mem=${resources.memory}`] : []),
    ...(resources.extra ?? []).map((option) => `#SBATCH ${option}`),
  ];
}

export const slurmSubmitter: JobArraySubmitter = {
  name: 'slurm',
  unavailable() {
    try {
      execFileSync('sbatch', ['--version'], { stdio: 'pipe' });
      return undefined;
    } catch {
      return 'sbatch was not found: run this on a Slurm login node (or install slurm-wlm), or run the study here without --slurm';
    }
  },
  scripts(request) {
    const array = [
      ...slurmHeader(request, request.name, `${request.logDirectory}/%A_%a.out`),
      `#SBATCH --array=${request.indices.join(',')}`,
      // A preempted or failed node's task runs again and resumes from its checkpoint.
      '#SBATCH --requeue',
      'set -euo pipefail',
      `cd ${shellQuote(request.workingDirectory)}`,
      'TASK_INDEX="$SLURM_ARRAY_TASK_ID"',
      `exec ${request.taskCommand}`,
      '',
    ].join('\n');
    const after = [
      ...slurmHeader({ ...request, resources: { ...request.resources, cpusPerTask: 1 } }, `${request.name}-report`, `${request.logDirectory}/%j.out`),
      'set -euo pipefail',
      `cd ${shellQuote(request.workingDirectory)}`,
      `exec ${request.afterCommand}`,
      '',
    ].join('\n');
    return { array, after };
  },
  submit(paths) {
    const sbatch = (args: string[]) =>
      execFileSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' })
        .trim()
        .split(';')[0];
    const arrayJob = sbatch([paths.array]);
    // afterany: the report is drawn from whatever summaries the tasks left, also when one failed.
    const afterJob = sbatch([`--dependency=afterany:${arrayJob}`, paths.after]);
    return { arrayJob, afterJob };
  },
};

/** Writes a request's scripts (executable) where they are kept beside the logs. */
export function writeJobScripts(submitter: JobArraySubmitter, request: JobArrayRequest): { array: string; after: string; scripts: { array: string; after: string } } {
  const scripts = submitter.scripts(request);
  const array = `${request.logDirectory}/${request.name}-array.sh`;
  const after = `${request.logDirectory}/${request.name}-report.sh`;
  writeFileSync(array, scripts.array, { mode: 0o755 });
  writeFileSync(after, scripts.after, { mode: 0o755 });
  return { array, after, scripts };
}
