import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildNetworkSpec, parseModelName, type Family, type NetworkSpec } from '@procrustes/core';
import { makeDirectory } from '@procrustes/core/node';
import { isTransitionUnit, logRatioStatistic, PROBES_STREAM, type ProbeRecord } from '@procrustes/probes';
import { METRICS_STREAM, type EpochMetrics } from '@procrustes/train';
import { CONFIG_FILE, readRecordStream, readRun } from '@procrustes/train/node';
import { runConfigFromFlags, type TrainFlags } from './run-flags.js';
import { runTraining } from './run-training.js';
import { formatTable } from './table.js';

export interface CompareRow {
  model: string;
  family: Family;
  /** The ResNet depth it is compared at (`--depths`): procresnet-(d + 2) is compared with resnet-d and plain-d. */
  depth: number;
  /** Mean |log r| over residual or plain units (excluding transitions) in the last epoch's probes. */
  residualLogRatio: number;
  /** Mean |log r| at the units where the network changes shape (isTransitionUnit): procresnet's transitions, ResNet's projection blocks, plain's first unit of a stage. */
  transitionLogRatio: number;
  /** δ: max over units of max over the batch of |1 − r|, at the last probe. */
  delta: number;
  testAccuracy: number;
  seconds: number;
  run: string;
}

/** The model of a family at a ResNet depth: procresnet has two more layers (its transitions). */
export function modelAtDepth(family: Family, depth: number): string {
  return `${family}-${family === 'procresnet' ? depth + 2 : depth}`;
}

export function summarizeRun(spec: NetworkSpec, probes: ProbeRecord[], metrics: EpochMetrics[], run: string, family: Family, depth: number): CompareRow {
  const lastEpoch = Math.max(...probes.map((p) => p.epoch));
  const recent = probes.filter((p) => p.epoch === lastEpoch);
  const ratios = (transition: boolean) => recent.flatMap((p) => p.units.filter((u) => isTransitionUnit(spec.units[u.index]) === transition).map((u) => u.ratioMean));
  const last = metrics[metrics.length - 1];
  return {
    model: spec.name,
    family,
    depth,
    residualLogRatio: logRatioStatistic(ratios(false)).mean,
    transitionLogRatio: logRatioStatistic(ratios(true)).mean,
    delta: probes[probes.length - 1]?.delta ?? Number.NaN,
    testAccuracy: last?.testAccuracy ?? Number.NaN,
    seconds: metrics.reduce((s, m) => s + m.seconds, 0),
    run,
  };
}

export function compareMarkdown(rows: CompareRow[]): string {
  const header = '| model | ResNet depth | mean \\|log r\\| residual units | mean \\|log r\\| transitions | δ | test accuracy | training time |';
  const lines = rows.map(
    (r) =>
      `| ${r.model} | ${r.depth} | ${r.residualLogRatio.toFixed(4)} | ${r.transitionLogRatio.toFixed(4)} | ${r.delta.toFixed(3)} | ${(100 * r.testAccuracy).toFixed(2)} % | ${r.seconds.toFixed(0)} s |`,
  );
  return `${[header, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...lines].join('\n')}\n`;
}

/** A run that already holds all its epochs (a compare that was stopped picks up where it was). */
const isFinished = (run: string, epochs: number): boolean => existsSync(join(run, CONFIG_FILE)) && readRecordStream(run, METRICS_STREAM).length >= epochs;

export interface CompareOptions extends TrainFlags {
  families: Family[];
  depths: number[];
}

/** Trains each family at each depth with probes (or reuses a finished run), writes each run's report and the table. */
export async function compareRuns(options: CompareOptions, log: (line: string) => void = console.log, given: ReadonlySet<string> = new Set()): Promise<CompareRow[]> {
  const root = options.out ?? 'runs/compare';
  makeDirectory(root);
  const rows: CompareRow[] = [];
  // Every model name is checked before any training starts.
  for (const depth of options.depths) for (const family of options.families) parseModelName(modelAtDepth(family, depth));
  for (const depth of options.depths) {
    for (const family of options.families) {
      const model = modelAtDepth(family, depth);
      const run = join(root, model);
      if (!options.force && isFinished(run, runConfigFromFlags({ ...options, model }).epochs)) {
        log(`\n=== ${model}: finished earlier in ${run}, reused ===`);
      } else {
        log(`\n=== ${model} ===`);
        const resume = !options.force && existsSync(join(run, 'config.json'));
        await runTraining({ ...options, model, out: run, force: !resume, resume, probeEvery: options.probeEvery ?? 10 }, log, given);
      }
      const { config, metrics } = readRun(run);
      const row = summarizeRun(buildNetworkSpec(config.network), readRecordStream<ProbeRecord>(run, PROBES_STREAM), metrics, run, family, depth);
      rows.push(row);
      const { writeRunReport } = await import('@procrustes/report/node');
      await writeRunReport(run);
    }
  }
  await writeFile(join(root, 'compare.md'), compareMarkdown(rows));
  await writeFile(join(root, 'compare.json'), JSON.stringify({ rows }, null, 2));
  log(
    `\n${formatTable(
      ['model', 'ResNet depth', 'mean |log r| residual', 'mean |log r| transitions', 'δ', 'test acc', 'time'],
      rows.map((r) => [
        r.model,
        String(r.depth),
        r.residualLogRatio.toFixed(4),
        r.transitionLogRatio.toFixed(4),
        r.delta.toFixed(3),
        `${(100 * r.testAccuracy).toFixed(2)}%`,
        `${r.seconds.toFixed(0)} s`,
      ]),
      [1, 2, 3, 4, 5, 6],
    )}`,
  );
  log(`\ntable: ${join(root, 'compare.md')}, ${join(root, 'compare.json')}; reports: ${join(root, '<model>', 'report', 'index.html')}`);
  return rows;
}
