import type { Command } from 'commander';
import { activateBackend, buildNetworkSpec, disposeParameters } from '@procrustes/core';
import { takeFirst } from '@procrustes/data';
import { loadDataset } from '@procrustes/data/node';
import { disposeSgdState, evaluate } from '@procrustes/train';
import { checkDataFingerprint, loadCheckpoint, readRunConfig } from '@procrustes/train/node';

export function addEvalCommand(program: Command): void {
  program
    .command('eval')
    .description("evaluate a run's checkpoint on its dataset's test set (every file of the checkpoint verified first)")
    .requiredOption('--checkpoint <run>', 'run directory (as given to train --out)')
    .option('--previous-checkpoint', "evaluate the run's checkpoint before the newest")
    .option('--backend <name>', 'backend plugin (default: the run’s)')
    .option('--json', 'print JSON')
    .action(async (options: { checkpoint: string; previousCheckpoint?: boolean; backend?: string; json?: boolean }) => {
      const config = await readRunConfig(options.checkpoint);
      await activateBackend(options.backend ?? config.backend);
      const spec = buildNetworkSpec(config.network);
      const { parameters, optimizer, state } = await loadCheckpoint(options.checkpoint, spec, options.previousCheckpoint ? 'previous' : 'latest');
      disposeSgdState(optimizer);
      const dataset = await loadDataset(config.dataset, { dataDirectory: config.dataDirectory });
      const test = takeFirst(dataset.test, config.limitTest);
      checkDataFingerprint(config, { test }, `evaluate ${options.checkpoint}`);
      // Standardised with the statistics the run trained with, saved in its checkpoint.
      const result = await evaluate(spec, parameters, test, state.normalization);
      disposeParameters(parameters);
      const summary = { model: spec.name, dataset: dataset.name, epoch: state.epoch, testLoss: result.loss, testAccuracy: result.accuracy, count: result.count };
      if (options.json) console.log(JSON.stringify(summary));
      else
        console.log(
          `${spec.name} after ${state.epoch} epochs on ${dataset.name}: test accuracy ${(100 * result.accuracy).toFixed(2)}%, loss ${result.loss.toFixed(4)} (${result.count} images)`,
        );
    });
}
