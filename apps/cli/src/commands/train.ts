import type { Command } from 'commander';
import type { TrainFlags } from '../run-flags.js';
import { runTraining } from '../run-training.js';
import { addTrainOptions, givenOptions } from '../train-options.js';

export function addTrainCommand(program: Command): void {
  addTrainOptions(program.command('train').description('train a model; writes config.json, metrics.jsonl and checkpoint/ into the run directory')).action(
    async (options: TrainFlags, command: Command) => {
      await runTraining(options, console.log, givenOptions(command));
    },
  );
}
