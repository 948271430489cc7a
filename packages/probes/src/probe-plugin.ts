import { usageError, type TrainingPlugin, type TrainingPluginFactory, type UnitTap } from '@procrustes/core';
import { createGradientTap, mergeGradientTaps, type GradientTap } from './gradient-tap.js';
import { normRatios } from './norm-ratios.js';
import { PROBES_STREAM, probeRecordOf } from './probe-record.js';

export interface ProbePluginOptions {
  /** Record every k-th step (default 10). */
  every?: number;
}

/**
 * Records gradient and forward norm ratios every k steps in the `probes` stream (the trainer
 * writes it to `<run>/probes.jsonl`), captured in the training step's own backward pass: the
 * trainer asks `tapFor(step)` for a tap and the plugin reads the norms after the gradients.
 */
export interface ProbePlugin extends TrainingPlugin {
  tapFor(step: number): UnitTap | undefined;
}

export function createProbePlugin(options: ProbePluginOptions = {}): ProbePlugin {
  const every = options.every ?? 10;
  if (!Number.isInteger(every) || every <= 0) throw usageError(`probes: every must be a positive integer, got ${every}`);
  // One tap per forward pass of the step: one, or one per shard when the step runs in shards.
  let current: GradientTap[] = [];
  return {
    name: 'probes',
    records: [PROBES_STREAM],
    tapFor(step: number) {
      if (step % every !== 0) return undefined;
      const tap = createGradientTap();
      current.push(tap);
      return tap.tap;
    },
    async afterGradients(context) {
      if (current.length === 0) return;
      const tap = mergeGradientTaps(current);
      current = [];
      const ratios = await normRatios(context.network, tap);
      tap.dispose();
      const record = probeRecordOf({ step: context.step, epoch: context.epoch, loss: (await context.loss.data())[0] }, ratios, (index) => ({
        downsamples: context.network.units[index].stride > 1,
      }));
      return [{ stream: PROBES_STREAM, record: { ...record } }];
    },
    dispose() {
      for (const tap of current) tap.dispose();
      current = [];
    },
  };
}

export const probePluginFactory: TrainingPluginFactory<ProbePluginOptions> = {
  name: 'probes',
  description: 'records per-unit gradient and forward norm ratios every k steps (probes.jsonl)',
  create: createProbePlugin,
};
