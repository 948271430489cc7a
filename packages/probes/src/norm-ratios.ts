import type { NetworkSpec, UnitKind } from '@procrustes/core';
import type { GradientTap } from './gradient-tap.js';

export interface RatioSummary {
  mean: number;
  median: number;
  p5: number;
  p95: number;
  /** max over the batch of |1 − r| */
  delta: number;
}

export interface UnitRatios<Kind extends string = UnitKind> {
  index: number;
  kind: Kind;
  /** Gradient norm ratio ‖∂E/∂x_l‖ / ‖∂E/∂x_{l+1}‖ per sample, summarised; ratioMean is the batch mean. */
  ratioMean: number;
  /**
   * The ratio of the batch's gradients as one tensor, ‖∂E/∂X_l‖_F / ‖∂E/∂X_{l+1}‖_F (the
   * per-sample norms summed in squares): a per-batch statistic beside the per-sample mean.
   */
  batchRatio: number;
  gradient: RatioSummary;
  /** Forward norm ratio ‖x_{l+1}‖ / ‖x_l‖, summarised. */
  forward: RatioSummary;
}

export interface NormRatios<Kind extends string = UnitKind> {
  units: UnitRatios<Kind>[];
  /** δ of the network: the largest δ_l over its units. */
  delta: number;
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function summarize(values: number[]): RatioSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    median: quantile(sorted, 0.5),
    p5: quantile(sorted, 0.05),
    p95: quantile(sorted, 0.95),
    delta: Math.max(...values.map((r) => Math.abs(1 - r))),
  };
}

/** Per-unit ratios of a network from a tap that saw one forward and backward pass. */
export function normRatios(spec: NetworkSpec, tap: GradientTap): Promise<NormRatios> {
  return unitNormRatios(spec.units, tap);
}

/**
 * Per-unit ratios from a tap that saw one forward and backward pass: unit l's input is tap
 * index l and its output index l + 1 (any model whose blocks are numbered so).
 */
export async function unitNormRatios<Kind extends string>(units: readonly { index: number; kind: Kind }[], tap: GradientTap): Promise<NormRatios<Kind>> {
  const read = async (map: Map<number, { data(): Promise<unknown> }>, index: number): Promise<Float32Array> => {
    const t = map.get(index);
    if (!t) throw new Error(`no norm recorded for unit ${index}: run a forward and backward pass with the tap first`);
    return (await t.data()) as Float32Array;
  };
  const ratios: UnitRatios<Kind>[] = [];
  for (const unit of units) {
    const [gIn, gOut, xIn, xOut] = await Promise.all([
      read(tap.gradientNorms, unit.index),
      read(tap.gradientNorms, unit.index + 1),
      read(tap.activationNorms, unit.index),
      read(tap.activationNorms, unit.index + 1),
    ]);
    const gradient = Array.from(gIn, (g, i) => g / gOut[i]);
    const forward = Array.from(xOut, (x, i) => x / xIn[i]);
    const summary = summarize(gradient);
    const frobenius = (norms: Float32Array) => Math.sqrt(norms.reduce((sum, n) => sum + n * n, 0));
    const batchRatio = frobenius(gIn) / frobenius(gOut);
    ratios.push({ index: unit.index, kind: unit.kind, ratioMean: summary.mean, batchRatio, gradient: summary, forward: summarize(forward) });
  }
  return { units: ratios, delta: Math.max(...ratios.map((u) => u.gradient.delta)) };
}
