/** The stream the probe plugin writes: `<run>/probes.jsonl`, one record per probed step. */
export const PROBES_STREAM = 'probes';

import type { NormRatios } from './norm-ratios.js';

/** One unit of a probe record. */
export interface UnitProbeRecord {
  index: number;
  kind: string;
  /** The block's name where the model names it (a tfjs-layers model's Add layer). */
  name?: string;
  /** The unit halves the resolution (stride > 1). */
  downsamples?: boolean;
  /** Batch mean of r = ‖∂E/∂x_l‖/‖∂E/∂x_{l+1}‖ over samples. */
  ratioMean: number;
  /** r of the whole batch (Frobenius norms); absent in records made before it was recorded. */
  batchRatio?: number;
  median: number;
  p5: number;
  p95: number;
  /** max over the batch of |1 − r|. */
  delta: number;
  /** Batch mean of the forward ratio ‖x_{l+1}‖/‖x_l‖. */
  forwardMean: number;
}

/** One line of probes.jsonl, as the probe plugin writes it (non-finite numbers arrive as null from JSON). */
export interface ProbeRecord {
  step: number;
  epoch: number;
  loss: number;
  /** δ: the largest unit delta. */
  delta: number;
  units: UnitProbeRecord[];
}

/** The record of one probed step, from its ratios; `unitExtras` adds what the model knows of a unit (its name, whether it downsamples). */
export function probeRecordOf(
  step: { step: number; epoch: number; loss: number },
  ratios: NormRatios<string>,
  unitExtras: (index: number) => { name?: string; downsamples?: boolean } = () => ({}),
): ProbeRecord {
  return {
    ...step,
    delta: ratios.delta,
    units: ratios.units.map((u) => ({
      index: u.index,
      kind: u.kind,
      ...unitExtras(u.index),
      ratioMean: u.ratioMean,
      batchRatio: u.batchRatio,
      median: u.gradient.median,
      p5: u.gradient.p5,
      p95: u.gradient.p95,
      delta: u.gradient.delta,
      forwardMean: u.forward.mean,
    })),
  };
}
