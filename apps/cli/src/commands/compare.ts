import type { Command } from 'commander';
import { FAMILIES, usageError, type Family } from '@procrustes/core';
import { compareRuns, type CompareOptions } from '../compare-runs.js';
import { addTrainOptions, givenOptions } from '../train-options.js';

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
    await compareRuns(options, console.log, givenOptions(command));
  });
}
