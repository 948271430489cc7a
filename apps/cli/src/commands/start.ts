import type { Command } from 'commander';
import { runTraining, type TrainCommandOptions } from './train.js';

/** The main job of the Quick start: a short offline run on the embedded Fashion-MNIST subset. */
export const START_JOB: TrainCommandOptions = {
  model: 'procresnet-10',
  dataset: 'fashion-mnist-subset',
  epochs: 4,
  batch: 64,
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: 'multistep',
  milestones: [3],
  gamma: 0.1,
  pad: 2,
  flip: false,
  width: 8,
  backend: 'wasm',
  seed: 0,
  out: 'runs/start',
  force: true,
  spectralMode: 'procrustes',
  spectralMethod: 'exact',
  spectralTargets: 'spectral-targets',
  onNonfinite: 'stop',
};

export function addStartCommand(program: Command): void {
  program
    .command('start')
    .description(`the Quick-start job: train ${START_JOB.model} (width ${START_JOB.width}) for ${START_JOB.epochs} epochs on the embedded Fashion-MNIST subset, on WASM`)
    .action(async () => {
      await runTraining(START_JOB);
    });
}
