import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, hasCheckpoint, readRun, runLockHolder } from '@procrustes/train/node';
import type { StudyDefinition } from './definition.js';
import { finishedSummary } from './finished-summary.js';
import { definedRunConfig } from './run-definition.js';
import { type RunSummary, secondsPerEpoch } from './summaries.js';
import { percentText } from '../table.js';

export type RunState = 'summarised' | 'running' | 'stopped' | 'locked' | 'not started';

/** Where one run of a study stands, read from its summary and run directory (nothing is written). */
export interface RunStatus {
  run: string;
  model: string;
  kind: 'train' | 'initialization';
  state: RunState;
  /** Training runs: the epochs the study defines and those the run has recorded. */
  epochs?: number;
  epochsDone?: number;
  summary?: RunSummary;
  detail: string;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function summarisedDetail(summary: RunSummary): string {
  if (summary.kind === 'initialization')
    return `mean |log r| residual ${summary.residual.mean.toFixed(4)}, transitions ${summary.transitions.mean.toFixed(4)}; δ ${summary.delta.toFixed(3)}`;
  const last = summary.metrics.at(-1);
  return `${last ? `test accuracy ${percentText(last.testAccuracy)}` : 'no epoch'} after ${summary.metrics.length} epochs, ${secondsPerEpoch(summary).toFixed(0)} s per epoch`;
}

/** Every run of `study`, in its order: summarised, running (its lock's process lives), stopped, locked elsewhere, or not started. */
export function studyStatus(study: StudyDefinition, out: string, results: string): RunStatus[] {
  return study.runs.map((run): RunStatus => {
    const base = { run: run.name, model: run.model, kind: run.kind };
    const summary = finishedSummary(study, results, run);
    const epochs = run.kind === 'train' ? definedRunConfig(study, run).epochs : undefined;
    if (summary) return { ...base, state: 'summarised', epochs, epochsDone: epochs, summary, detail: summarisedDetail(summary) };
    const directory = join(out, run.name);
    if (run.kind === 'initialization' || !existsSync(join(directory, CONFIG_FILE))) return { ...base, state: 'not started', epochs, epochsDone: 0, detail: '' };
    const { metrics } = readRun(directory);
    const last = metrics.at(-1);
    const progress = `${metrics.length} of ${epochs} epochs${last ? ` (test accuracy ${percentText(last.testAccuracy)} after epoch ${last.epoch})` : ''}`;
    const status = { ...base, epochs, epochsDone: metrics.length };
    const holder = runLockHolder(directory);
    if (holder?.state === 'running')
      return { ...status, state: 'running', detail: `${progress}; process ${holder.owner.pid} on ${holder.owner.host} since ${holder.owner.started}` };
    if (holder?.state === 'other-host')
      return {
        ...status,
        state: 'locked',
        detail: `${progress}; locked by process ${holder.owner.pid} on ${holder.owner.host}, which cannot be checked from here (if it no longer runs: --break-stale-lock)`,
      };
    if (holder?.state === 'unreadable') return { ...status, state: 'locked', detail: `${progress}; its lock ${holder.why} (if no process writes it: --break-stale-lock)` };
    const next =
      metrics.length >= (epochs ?? 0)
        ? 'trained: summarised when the study runs again'
        : hasCheckpoint(directory)
          ? 'resumes from its checkpoint when the study runs again'
          : 'no checkpoint: starts over when the study runs again';
    const gone = holder?.state === 'gone' ? `; its process ${holder.owner.pid} was stopped (${holder.why})` : '';
    return { ...status, state: 'stopped', detail: `${progress}${gone}; ${next}` };
  });
}

/** What is left of a study, timed at the pace of its summarised runs of the same model. */
export interface TimeLeft {
  /** Seconds for the runs that could be timed. */
  seconds: number;
  /** Per model: epochs (or probes) left and the pace they are timed at. */
  timed: Array<{ model: string; kind: 'train' | 'initialization'; left: number; secondsEach: number }>;
  /** Runs of a model with no summarised run to time them by. */
  untimed: Array<{ model: string; kind: 'train' | 'initialization'; left: number }>;
}

export function studyTimeLeft(statuses: RunStatus[]): TimeLeft {
  const paces = new Map<string, number[]>();
  for (const s of statuses) {
    if (!s.summary) continue;
    const key = `${s.kind} ${s.model}`;
    paces.set(key, [...(paces.get(key) ?? []), s.summary.kind === 'train' ? secondsPerEpoch(s.summary) : s.summary.seconds]);
  }
  const left = new Map<string, { model: string; kind: 'train' | 'initialization'; left: number }>();
  for (const s of statuses) {
    if (s.state === 'summarised') continue;
    // A training run's epochs left; a trained run waiting for its summary has none. A probe counts as one.
    const count = s.kind === 'train' ? Math.max(0, (s.epochs ?? 0) - (s.epochsDone ?? 0)) : 1;
    if (count === 0) continue;
    const key = `${s.kind} ${s.model}`;
    const entry = left.get(key) ?? { model: s.model, kind: s.kind, left: 0 };
    entry.left += count;
    left.set(key, entry);
  }
  const result: TimeLeft = { seconds: 0, timed: [], untimed: [] };
  for (const [key, entry] of left) {
    const pace = paces.get(key);
    if (!pace) {
      result.untimed.push(entry);
      continue;
    }
    const secondsEach = mean(pace);
    result.timed.push({ ...entry, secondsEach });
    result.seconds += entry.left * secondsEach;
  }
  return result;
}

const duration = (seconds: number) => (seconds >= 5400 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The lines `procrustes study <name> --status` prints. */
export function studyStatusLines(study: StudyDefinition, statuses: RunStatus[]): string[] {
  const count = (state: RunState) => statuses.filter((s) => s.state === state).length;
  const counts = (['summarised', 'running', 'stopped', 'locked', 'not started'] as const)
    .filter((state) => state === 'summarised' || count(state) > 0)
    .map((state) => `${count(state)} ${state}`);
  const width = Math.max(...statuses.map((s) => s.run.length));
  const lines = [
    `study ${study.name} (version ${study.version}): ${statuses.length} runs; ${counts.join(', ')}`,
    ...statuses.map((s) => `  ${s.run.padEnd(width)}  ${s.state.padEnd(11)}  ${s.detail}`.trimEnd()),
  ];
  const left = studyTimeLeft(statuses);
  if (left.timed.length === 0 && left.untimed.length === 0) {
    lines.push(count('summarised') === statuses.length ? 'left: nothing; every run is summarised' : 'left: only summaries to write (run the study again)');
    return lines;
  }
  const unit = (kind: 'train' | 'initialization', n: number) => (kind === 'train' ? plural(n, 'epoch') : plural(n, 'probe'));
  if (left.timed.length > 0)
    lines.push(
      `left: about ${duration(left.seconds)} at the pace of the summarised runs (${left.timed
        .map((t) => `${t.model}: ${unit(t.kind, t.left)} at ${t.secondsEach.toFixed(0)} s`)
        .join('; ')}), on the machine that ran them`,
    );
  if (left.untimed.length > 0)
    lines.push(
      `${left.timed.length > 0 ? 'and, untimed' : 'left, untimed'}: ${left.untimed.map((u) => `${u.model}: ${unit(u.kind, u.left)}`).join('; ')} (no summarised run of that model to time them by)`,
    );
  return lines;
}
