// The flags of a training run, shared by the commands that train (train, compare).
import type { Command } from 'commander';
import { Option } from 'commander';
import { INITIALIZATIONS, usageError } from '@procrustes/core';
import { DATASET_NAMES } from '@procrustes/data';
import { RUN_DEFAULTS } from '@procrustes/train';
import { backendNames } from './backends.js';
import { parseNonNegativeInteger, parseNonNegativeNumber, parsePositiveInteger, parsePositiveNumber } from './options.js';

function parseMilestones(value: string): number[] {
  const parts = value.split(',').map((v) => Number(v.trim()));
  if (parts.some((v) => !Number.isInteger(v) || v <= 0)) throw usageError(`--milestones '${value}' must be comma-separated positive epochs, e.g. 2,3`);
  return parts;
}

export function addTrainOptions(command: Command): Command {
  return command
    .option('--model <name>', `model: a preset (resnet-20, procresnet-22, …) or FAMILY-DEPTH (default ${RUN_DEFAULTS.model})`)
    .addOption(new Option('--dataset <name>', `dataset (default ${RUN_DEFAULTS.dataset})`).choices(DATASET_NAMES))
    .option('--data-dir <dir>', 'read the dataset from this directory')
    .option('--epochs <n>', `epochs (default ${RUN_DEFAULTS.epochs})`, parsePositiveInteger)
    .option('--batch <n>', `batch size (default ${RUN_DEFAULTS.batchSize})`, parsePositiveInteger)
    .option('--lr <rate>', `learning rate (default ${RUN_DEFAULTS.learningRate})`, parsePositiveNumber)
    .option('--momentum <m>', `SGD momentum (default ${RUN_DEFAULTS.momentum})`, parseNonNegativeNumber)
    .option('--weight-decay <λ>', `weight decay (default ${RUN_DEFAULTS.weightDecay})`, parseNonNegativeNumber)
    .addOption(new Option('--schedule <kind>', `learning-rate schedule (default ${RUN_DEFAULTS.schedule})`).choices(['multistep', 'cosine', 'constant']))
    .option('--milestones <epochs>', 'multistep: epochs at which the rate is multiplied by --gamma (default: ½ and ¾ of training)', parseMilestones)
    .option('--gamma <g>', `multistep factor (default ${RUN_DEFAULTS.gamma})`, parsePositiveNumber)
    .option('--pad <pixels>', 'random-crop padding (default 4 on CIFAR, 2 otherwise; 0 = none)', parseNonNegativeInteger)
    .option('--flip', 'random horizontal flips (default on CIFAR)')
    .option('--no-flip', 'no random horizontal flips')
    .option('--width <w>', `base width (default ${RUN_DEFAULTS.width})`, parsePositiveInteger)
    .addOption(
      new Option(
        '--init <scheme>',
        "convolutions' initialisation: he-fan-out (default, He et al.'s code), he-fan-in (Chainer's), authors (the authors' ProcResNet code: fan-in, stem and transitions ×√½)",
      ).choices([...INITIALIZATIONS]),
    )
    .option('--backend <name>', `backend plugin (${backendNames().join(', ')}; default ${RUN_DEFAULTS.backend})`)
    .option('--out <dir>', 'run directory (default runs/<model>-<dataset>-seed<seed>)')
    .option('--seed <n>', `seed of initialisation, data order and augmentation (default ${RUN_DEFAULTS.seed})`, parseNonNegativeInteger)
    .option('--resume', 'continue the run in --out from its last checkpoint (flags may only repeat its config; --epochs may extend it)')
    .option('--checkpoint-every <steps>', 'also checkpoint every this many steps inside an epoch (a kill then loses at most that many)', parsePositiveInteger)
    .option('--break-stale-lock', 'remove a lock that cannot be checked (another host’s, or unreadable); a dead process’s lock on this host is taken over without it')
    .option('--previous-checkpoint', 'with --resume: continue from the checkpoint before the newest (when the newest does not verify)')
    .option('--force', 'start over in an --out that already holds a run')
    .option('--limit-train <n>', 'use at most the first n training images (a cap: a smaller set is used whole)', parsePositiveInteger)
    .option('--limit-test <n>', 'use at most the first n test images (a cap: a smaller set is used whole)', parsePositiveInteger)
    .option('--quiet', 'no progress bar')
    .option('--regul-freq <p>', 'spectral regularizer: probability of projecting after an update (default 0.5 for procresnet, 0 = off)', parseNonNegativeNumber)
    .addOption(new Option('--spectral-mode <mode>', 'regularizer projection (default procrustes)').choices(['procrustes', 'clip']))
    .addOption(new Option('--spectral-method <method>', 'regularizer solver (default exact)').choices(['exact', 'newton-schulz']))
    .addOption(new Option('--spectral-compat <behaviour>', "reproduce the paper's published code ('reference-code': flipped projection)").choices(['reference-code']))
    .addOption(new Option('--spectral-targets <set>', 'convolutions to regularize (default spectral-targets)').choices(['spectral-targets', 'all']))
    .option('--spectral-scale <s>', 'Procrustes scale (default √(cout/cin) per convolution)', parsePositiveNumber)
    .option('--spectral-max <m>', 'clip bound (default 1)', parsePositiveNumber)
    .option('--spectral-iterations <n>', 'Newton–Schulz iterations (default 20)', parsePositiveInteger)
    .option('--recompute-units', "recompute each unit's inside in the backward pass (about 4× less activation memory, about 1.25× the step time)")
    .option('--workers <n>', 'worker threads for data-parallel steps on WASM (each an equal shard of the batch; batch norm per shard)', parsePositiveInteger)
    .option(
      '--spectra-every <k>',
      'record the singular values of the stem and transitions (or projection shortcuts) every k steps into spectra.jsonl (0 = at epoch ends; on at epoch ends with the regularizer)',
      parseNonNegativeInteger,
    )
    .option('--probe-every <k>', 'record per-unit gradient and forward norm ratios every k steps into probes.jsonl', parsePositiveInteger)
    .option(
      '--divergence-factor <k>',
      `stop when the loss exceeds k × the first step's loss, keeping the last good checkpoint (default ${RUN_DEFAULTS.divergenceFactor}; 0 = off)`,
      parseNonNegativeNumber,
    )
    .addOption(
      new Option('--on-nonfinite <action>', 'a NaN or infinite loss or gradient: stop (keeping the last good checkpoint) or skip the update')
        .choices(['stop', 'skip'])
        .default('stop'),
    );
}

/** The options the user set on the command line (not defaults). */
export function givenOptions(command: Command): Set<string> {
  return new Set(Object.keys(command.opts()).filter((key) => command.getOptionValueSource(key) === 'cli'));
}
