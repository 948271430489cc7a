import type { Command } from 'commander';
import { compareRuns } from '../compare-runs.js';
import type { TrainFlags } from '../run-flags.js';

/**
 * The main job of the Quick start: a small depth study offline on the embedded Fashion-MNIST
 * subset — ResNet, Procrustes ResNet and plain at depth 8, with probes — and its table.
 */
export const START_JOB: TrainFlags = {
  model: 'resnet-8',
  dataset: 'fashion-mnist-subset',
  epochs: 2,
  batch: 64,
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  schedule: 'multistep',
  milestones: [1],
  gamma: 0.1,
  pad: 2,
  flip: false,
  width: 8,
  backend: 'wasm',
  seed: 0,
  out: 'runs/start',
  probeEvery: 10,
  force: true,
  spectralMode: 'procrustes',
  spectralMethod: 'exact',
  spectralTargets: 'spectral-targets',
  onNonfinite: 'stop',
};

export function addStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      `the Quick-start job: resnet-8, procresnet-10 and plain-8 (width ${START_JOB.width}), ${START_JOB.epochs} epochs each on the embedded Fashion-MNIST subset with probes, on WASM; prints the comparison table`,
    )
    .action(async () => {
      await compareRuns({ ...START_JOB, families: ['resnet', 'procresnet', 'plain'], depths: [8] });
    });
}
