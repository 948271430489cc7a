import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { usageError } from '@procrustes/core';
import type { ProbeRecord } from '@procrustes/probes';
import { type GradientRatiosOptions, gradientRatios } from './gradient-ratios.js';

export interface GradientRatiosCallback extends tfl.Callback {
  /** One record per probed step, in the format of `probes.jsonl`. */
  readonly records: ProbeRecord[];
}

/**
 * A `fit` callback that measures `gradientRatios` on a fixed probe batch (x, y) every `every`
 * optimizer steps (and before the first), keeping the records and passing each to `onRecord`
 * (to write it as a line of probes.jsonl, for example). tfjs's callbacks do not see the training
 * batch, so the probe batch is the caller's: the same batch at every step makes the steps comparable.
 */
export function gradientRatiosCallback(
  options: { x: tf.Tensor; y: tf.Tensor; every?: number; onRecord?: (record: ProbeRecord) => void | Promise<void> } & Omit<GradientRatiosOptions, 'step' | 'epoch'>,
): GradientRatiosCallback {
  const every = options.every ?? 10;
  if (!(Number.isInteger(every) && every >= 1)) throw usageError(`gradientRatiosCallback: every must be a positive integer, got ${options.every}`);
  const { x, y, onRecord, every: _, ...ratioOptions } = options;
  const records: ProbeRecord[] = [];
  let step = 0;
  let epoch = 0;
  const probe = async (model: tfl.LayersModel) => {
    const record = await gradientRatios(model, x, y, { ...ratioOptions, step, epoch });
    records.push(record);
    await onRecord?.(record);
  };
  return Object.assign(
    new (class extends tfl.Callback {
      override async onTrainBegin(): Promise<void> {
        await probe(this.model);
      }
      override async onEpochBegin(index: number): Promise<void> {
        epoch = index;
      }
      override async onBatchEnd(): Promise<void> {
        step++;
        if (step % every === 0) await probe(this.model);
      }
    })(),
    { records },
  );
}
