import * as echarts from 'echarts';
import { ratioHeatmapOption, type RatioHeatmapPanel } from './ratio-heatmap.js';
import type { ProbeRecord, RunRecords } from './run-records.js';

export interface Figure {
  /** File stem, e.g. `gradient-ratio-heatmap`. */
  name: string;
  title: string;
  caption: string;
  svg: string;
}

type Option = Parameters<echarts.ECharts['setOption']>[0];

/** Renders an ECharts option to an SVG string on the server (no DOM, no canvas). */
export function renderSvg(option: Option, width = 900, height = 420): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, backgroundColor: '#ffffff', ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return numberClassesInOrder(svg);
}

/**
 * The renderer names its style classes, clip paths and gradients from counters shared by every chart of
 * the process (zr4-cls-322, zr4-c0, zr4-g0 in one report, zr2-cls-477, zr2-c0 in the next);
 * numbered here in order of appearance, the same figure gives the same file whatever was drawn
 * before it.
 */
export function numberClassesInOrder(svg: string): string {
  const numbers = new Map<string, number>();
  return svg.replace(/\bzr\d*-(cls-|[a-z])\d+\b/g, (name: string, kind: string) => {
    if (!numbers.has(name)) numbers.set(name, numbers.size);
    return `zr-${kind}${numbers.get(name)}`;
  });
}

/** A unit's row label: its index, T for a Procrustes transition, P for a plain unit, ↓ where it halves the resolution. */
export const unitLabel = (u: { index: number; kind: string; downsamples?: boolean }) =>
  `${u.index}${u.kind === 'transition' ? ' T' : u.kind === 'plain' ? ' P' : ''}${u.downsamples && u.kind !== 'transition' ? ' ↓' : ''}`;

/** The run report's heatmap panel: every probe record a column, every unit a row. */
export function probeRecordsPanel(probes: ProbeRecord[], title?: string): RatioHeatmapPanel {
  return {
    title,
    columns: probes.map((p) => String(p.step)),
    rows: (probes[0]?.units ?? []).map(unitLabel),
    ratios: probes.map((p) => p.units.map((u) => u.ratioMean)),
  };
}

/** The paper's figure: log₂ of the gradient norm ratio per unit (rows) over training steps (columns). */
export function heatmapFigure(records: RunRecords): Figure | undefined {
  if (records.probes.length === 0) return undefined;
  const { option, width, height } = ratioHeatmapOption([probeRecordsPanel(records.probes)]);
  return {
    name: 'gradient-ratio-heatmap',
    title: 'Gradient norm ratio per unit during training',
    caption:
      'log₂ of the batch mean of ‖∂E/∂x_l‖/‖∂E/∂x_{l+1}‖ per unit (rows; T = Procrustes transition, ↓ = unit that halves the resolution, P = plain unit) and step (columns). White is norm-preserving (r = 1); beyond r = 10 or 1/10 the colour saturates; blank cells are undefined ratios (a vanished gradient).',
    svg: renderSvg(option, width, height),
  };
}

/** Ratio per unit at the first, middle and last recorded step. */
export function ratioPerUnitFigure(records: RunRecords): Figure | undefined {
  if (records.probes.length === 0) return undefined;
  const picks = [...new Set([0, Math.floor((records.probes.length - 1) / 2), records.probes.length - 1])].map((i) => records.probes[i]);
  const units = records.probes[0].units;
  const svg = renderSvg({
    grid: { left: 60, right: 30, top: 40, bottom: 50 },
    legend: { top: 5 },
    xAxis: { type: 'category', name: 'unit', nameLocation: 'middle', nameGap: 30, data: units.map(unitLabel) },
    yAxis: { type: 'value', name: 'ratio', scale: true },
    series: [
      ...picks.map((p) => ({ type: 'line' as const, name: `step ${p.step} (epoch ${p.epoch + 1})`, data: p.units.map((u) => u.ratioMean), symbolSize: 5 })),
      { type: 'line' as const, name: 'r = 1', data: units.map(() => 1), lineStyle: { type: 'dashed' as const, color: '#888' }, symbol: 'none' },
    ],
  });
  return {
    name: 'ratio-per-unit',
    title: 'Gradient norm ratio per unit',
    caption: 'Batch mean of the ratio per unit at the first, middle and last recorded step; 1 is norm-preserving.',
    svg,
  };
}

export function trainingCurvesFigure(records: RunRecords): Figure | undefined {
  if (records.metrics.length === 0) return undefined;
  const epochs = records.metrics.map((m) => String(m.epoch));
  const svg = renderSvg({
    grid: { left: 60, right: 60, top: 40, bottom: 50 },
    legend: { top: 5 },
    xAxis: { type: 'category', name: 'epoch', nameLocation: 'middle', nameGap: 30, data: epochs },
    yAxis: [
      { type: 'value', name: 'loss' },
      { type: 'value', name: 'accuracy %', min: 0, max: 100 },
    ],
    series: [
      { type: 'line', name: 'train loss', data: records.metrics.map((m) => m.trainLoss) },
      { type: 'line', name: 'test loss', data: records.metrics.map((m) => m.testLoss) },
      { type: 'line', name: 'train accuracy', yAxisIndex: 1, data: records.metrics.map((m) => 100 * m.trainAccuracy) },
      { type: 'line', name: 'test accuracy', yAxisIndex: 1, data: records.metrics.map((m) => 100 * m.testAccuracy) },
    ],
  });
  return { name: 'training-curves', title: 'Loss and accuracy', caption: 'Per epoch; training values are running means over the epoch.', svg };
}

export function spectraFigure(records: RunRecords): Figure | undefined {
  if (records.spectra.length === 0) return undefined;
  const names = records.spectra[0].targets.map((t) => t.name);
  const svg = renderSvg({
    grid: { left: 60, right: 30, top: 90, bottom: 50 },
    legend: { top: 5, type: 'plain' },
    xAxis: { type: 'category', name: 'epoch', nameLocation: 'middle', nameGap: 30, data: records.spectra.map((s) => String(s.epoch + 1)) },
    yAxis: { type: 'value', name: 'singular value', scale: true },
    series: names.flatMap((name, i) => [
      { type: 'line' as const, name: `${name} largest`, data: records.spectra.map((s) => s.targets[i].largest) },
      { type: 'line' as const, name: `${name} smallest`, data: records.spectra.map((s) => s.targets[i].smallest), lineStyle: { type: 'dotted' as const } },
    ]),
  });
  return {
    name: 'spectra',
    title: 'Spectra of the spectral targets',
    caption: 'Largest and smallest singular value of each regularized convolution at the end of each epoch (circular boundary, at its DFT size).',
    svg,
  };
}
