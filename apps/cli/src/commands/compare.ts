import { readFile, writeFile } from 'node:fs/promises';
import { makeDirectory } from '@procrustes/core/node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildNetworkSpec, FAMILIES, parseModelName, usageError, type Family, type NetworkSpec } from '@procrustes/core';
import { isTransitionUnit } from '@procrustes/probes';
import type { ProbeRecord } from '@procrustes/report';
import { writeRunReport } from '@procrustes/report/node';
import type { EpochMetrics, RunConfig } from '@procrustes/train';
import { formatTable } from '../table.js';
import { addTrainOptions, givenOptions, runTraining, type TrainCommandOptions } from './train.js';

export interface CompareRow {
  model: string;
  family: Family;
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
  const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const logs = (transition: boolean) =>
    recent.flatMap((p) => p.units.filter((u) => isTransitionUnit(spec.units[u.index]) === transition).map((u) => Math.abs(Math.log(u.ratioMean))));
  const last = metrics[metrics.length - 1];
  return {
    model: spec.name,
    family,
    depth,
    residualLogRatio: mean(logs(false)),
    transitionLogRatio: mean(logs(true)),
    delta: probes[probes.length - 1]?.delta ?? Number.NaN,
    testAccuracy: last?.testAccuracy ?? Number.NaN,
    seconds: metrics.reduce((s, m) => s + m.seconds, 0),
    run,
  };
}

export function compareMarkdown(rows: CompareRow[]): string {
  const header = '| model | depth | mean \\|log r\\| residual units | mean \\|log r\\| transitions | δ | test accuracy | training time |';
  const lines = rows.map(
    (r) =>
      `| ${r.model} | ${r.depth} | ${r.residualLogRatio.toFixed(4)} | ${r.transitionLogRatio.toFixed(4)} | ${r.delta.toFixed(3)} | ${(100 * r.testAccuracy).toFixed(2)} % | ${r.seconds.toFixed(0)} s |`,
  );
  return `${[header, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...lines].join('\n')}\n`;
}

/** A run that already holds all its epochs (a compare that was stopped picks up where it was). */
async function isFinished(run: string, epochs: number): Promise<boolean> {
  const metrics = join(run, 'metrics.jsonl');
  if (!existsSync(metrics)) return false;
  const lines = (await readFile(metrics, 'utf8')).trim().split('\n').filter(Boolean);
  return lines.length >= epochs;
}

export interface CompareOptions extends TrainCommandOptions {
  families: Family[];
  depths: number[];
}

export async function runCompare(options: CompareOptions, log: (line: string) => void = console.log, given: ReadonlySet<string> = new Set()): Promise<CompareRow[]> {
  const root = options.out ?? 'runs/compare';
  makeDirectory(root);
  const rows: CompareRow[] = [];
  // Every model name is checked before any training starts.
  for (const depth of options.depths) for (const family of options.families) parseModelName(modelAtDepth(family, depth));
  for (const depth of options.depths) {
    for (const family of options.families) {
      const model = modelAtDepth(family, depth);
      const run = join(root, model);
      if (!options.force && (await isFinished(run, options.epochs))) {
        log(`\n=== ${model}: finished earlier in ${run}, reused ===`);
      } else {
        log(`\n=== ${model} ===`);
        const resume = !options.force && existsSync(join(run, 'config.json'));
        await runTraining({ ...options, model, out: run, force: !resume, resume, probeEvery: options.probeEvery ?? 10 }, log, given);
      }
      const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as RunConfig;
      const read = async <T>(file: string): Promise<T[]> =>
        existsSync(join(run, file))
          ? (await readFile(join(run, file), 'utf8'))
              .trim()
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as T)
          : [];
      const row = summarizeRun(buildNetworkSpec(config.network), await read<ProbeRecord>('probes.jsonl'), await read<EpochMetrics>('metrics.jsonl'), run, family, depth);
      rows.push(row);
      await writeRunReport(run);
    }
  }
  await writeFile(join(root, 'compare.md'), compareMarkdown(rows));
  await writeFile(join(root, 'compare.json'), JSON.stringify({ rows }, null, 2));
  log(
    `\n${formatTable(
      ['model', 'depth', 'mean |log r| residual', 'mean |log r| transitions', 'δ', 'test acc', 'time'],
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

function parseFamilies(value: string): Family[] {
  const families = value.split(',').map((v) => v.trim());
  for (const f of families) if (!FAMILIES.includes(f as Family)) throw usageError(`unknown family '${f}' in --families: choose from ${FAMILIES.join(', ')}`);
  return families as Family[];
}

function parseDepths(value: string): number[] {
  const depths = value.split(',').map((v) => Number(v.trim()));
  if (depths.some((d) => !Number.isInteger(d) || d <= 0)) throw usageError(`--depths '${value}' must be comma-separated ResNet depths, e.g. 8,20,56`);
  return depths;
}

export function addCompareCommand(program: Command): void {
  addTrainOptions(
    program
      .command('compare')
      .description('train each family at each depth with probes, and tabulate norm preservation (mean |log r|, δ), accuracy and time')
      .option('--families <list>', 'families, comma-separated', parseFamilies, ['resnet', 'procresnet', 'plain'] as Family[])
      .option('--depths <list>', 'ResNet depths (procresnet gets +2 for its transitions), comma-separated', parseDepths, [20]),
  ).action(async (options: CompareOptions, command: Command) => {
    await runCompare(options, console.log, givenOptions(command));
  });
}
