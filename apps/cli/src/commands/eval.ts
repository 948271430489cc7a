import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { activateBackend, buildNetworkSpec, disposeParameters, usageError } from '@procrustes/core';
import { channelStatistics, loadDataset, takeFirst } from '@procrustes/data';
import { evaluate, loadCheckpoint, type RunConfig } from '@procrustes/train';

export function addEvalCommand(program: Command): void {
  program
    .command('eval')
    .description("evaluate a run's checkpoint on its dataset's test set")
    .requiredOption('--checkpoint <run>', 'run directory (as given to train --out)')
    .option('--backend <name>', 'backend plugin (default: the run’s)')
    .option('--json', 'print JSON')
    .action(async (options: { checkpoint: string; backend?: string; json?: boolean }) => {
      const configPath = join(options.checkpoint, 'config.json');
      if (!existsSync(configPath)) throw usageError(`${options.checkpoint} is not a run directory (no config.json)`);
      const config = JSON.parse(await readFile(configPath, 'utf8')) as RunConfig;
      await activateBackend(options.backend ?? config.backend);
      const spec = buildNetworkSpec(config.network);
      const { parameters, state } = await loadCheckpoint(options.checkpoint, spec);
      const dataset = await loadDataset(config.dataset, { dataDirectory: config.dataDirectory });
      const train = takeFirst(dataset.train, config.limitTrain);
      const result = await evaluate(spec, parameters, takeFirst(dataset.test, config.limitTest), channelStatistics(train));
      disposeParameters(parameters);
      const summary = { model: spec.name, dataset: dataset.name, epoch: state.epoch, testLoss: result.loss, testAccuracy: result.accuracy, count: result.count };
      if (options.json) console.log(JSON.stringify(summary));
      else console.log(`${spec.name} after ${state.epoch} epochs on ${dataset.name}: test accuracy ${(100 * result.accuracy).toFixed(2)}%, loss ${result.loss.toFixed(4)} (${result.count} images)`);
    });
}
