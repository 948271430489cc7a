import { isDefinedRatio } from '@procrustes/probes';

/**
 * The one colour scale of gradient norm ratios, used by the run report, the study report and the
 * page: log₂ r on a diverging palette, blue below r = 1, white at r = 1, red above; symmetric
 * about 0, as wide as the largest |log₂ r| shown, at least ±0.1 (so noise around 1 stays pale)
 * and at most ±log₂ 10 (cells beyond r = 10 or 1/10 saturate, so that one exploding unit does
 * not wash out the rest). Undefined ratios (a vanished gradient, 0/0) are left blank.
 */
export const RATIO_PALETTE = ['#2166ac', '#f7f7f7', '#b2182b'] as const;
export const RATIO_SCALE_MINIMUM = 0.1;
export const RATIO_SCALE_MAXIMUM = Math.log2(10);

/** The half-width of the colour scale, in log₂ r, for the ratios a figure shows. */
export function ratioScaleBound(ratios: Iterable<number | null>): number {
  let largest = 0;
  for (const ratio of ratios) if (isDefinedRatio(ratio)) largest = Math.max(largest, Math.abs(Math.log2(ratio)));
  return Math.min(RATIO_SCALE_MAXIMUM, Math.max(RATIO_SCALE_MINIMUM, largest));
}

/** A heatmap cell's value: log₂ r clamped to the scale, or ECharts' missing value for an undefined ratio. */
export const ratioCell = (ratio: number | null, bound: number): number | '-' => (isDefinedRatio(ratio) ? Math.max(-bound, Math.min(bound, Math.log2(ratio))) : '-');

/** One panel: a network's units (rows) over probed steps (columns). */
export interface RatioHeatmapPanel {
  title?: string;
  /** Column labels (steps, or step ranges). */
  columns: string[];
  /** Row labels (units). */
  rows: string[];
  /** ratios[column][row]; null or non-finite where undefined. */
  ratios: ReadonlyArray<ReadonlyArray<number | null>>;
  /** Skip this many row labels between two printed ones (deep networks); a row marked * is always printed. */
  rowLabelInterval?: number;
}

/**
 * Which row labels a panel prints: one every `skip + 1` rows, and always a row marked * (where the
 * network changes shape: the rows a reader looks for), whose unmarked neighbours within `skip`
 * rows then give way so that labels do not overlap.
 */
export function rowLabelShown(rows: ReadonlyArray<string>, skip: number): (index: number) => boolean {
  const marked = rows.map((row) => row.endsWith('*'));
  const nearMarked = (index: number) => Array.from({ length: skip }, (_, d) => d + 1).some((d) => marked[index - d] || marked[index + d]);
  return (index) => marked[index] || (index % (skip + 1) === 0 && !nearMarked(index));
}

/** An ECharts option and the size it is laid out for. */
export interface ChartOption {
  option: Record<string, unknown>;
  width: number;
  height: number;
}

/** The plot width of each panel of a multi-panel heatmap, in px. */
const PANEL_WIDTH = 440;

const scaleText = (bound: number) => [`r = ${(2 ** bound).toPrecision(2)}`, `r = ${(2 ** -bound).toPrecision(2)}`];

/**
 * The gradient-ratio heatmap of one or more runs on one colour scale. One panel fills the chart
 * (the run report, the page); several are laid out in rows of at most three, each row as tall as
 * its deepest network needs (the study report).
 */
export function ratioHeatmapOption(panels: RatioHeatmapPanel[], rowName = 'unit'): ChartOption {
  const bound = ratioScaleBound(panels.flatMap((p) => p.ratios.flat()));
  const visualMap = {
    min: -bound,
    max: bound,
    calculable: false,
    orient: 'vertical',
    right: 10,
    top: 'center',
    text: scaleText(bound),
    inRange: { color: [...RATIO_PALETTE] },
  };
  const data = (panel: RatioHeatmapPanel) => panel.ratios.flatMap((column, x) => column.map((r, y) => [x, y, ratioCell(r, bound)]));
  const axes = (panel: RatioHeatmapPanel, k: number, named: boolean) => ({
    xAxis: { type: 'category', gridIndex: k, name: 'step', nameLocation: 'middle', nameGap: 28, data: panel.columns },
    yAxis: {
      type: 'category',
      gridIndex: k,
      inverse: true,
      name: named ? rowName : '',
      data: panel.rows,
      axisLabel: { interval: panel.rowLabelInterval === undefined ? 'auto' : rowLabelShown(panel.rows, panel.rowLabelInterval), fontSize: 9 },
    },
  });
  if (panels.length === 1) {
    const [panel] = panels;
    const height = Math.max(260, 80 + 18 * panel.rows.length);
    const { xAxis, yAxis } = axes(panel, 0, true);
    return {
      option: {
        ...(panel.title ? { title: { text: panel.title, left: 'center', textStyle: { fontSize: 13 } } } : {}),
        grid: { left: 70, right: 100, top: 35, bottom: 50 },
        xAxis,
        yAxis,
        visualMap,
        series: [{ type: 'heatmap', data: data(panel) }],
      },
      width: 900,
      height,
    };
  }
  const perRow = Math.min(3, panels.length);
  const placed: Array<{ left: number; top: number; height: number }> = [];
  let bottom = 0;
  for (let first = 0; first < panels.length; first += perRow) {
    const row = panels.slice(first, first + perRow);
    const gridHeight = Math.max(90, Math.max(...row.map((p) => p.rows.length)) * 9);
    row.forEach((_, j) => {
      placed.push({ left: 60 + j * 520, top: bottom + 35, height: gridHeight });
    });
    bottom += 35 + gridHeight + 50;
  }
  const width = 520 * perRow + 120;
  const height = bottom + 10;
  return {
    option: {
      // Centred over its panel: a title that started part-way across ran into the next panel or the colour bar.
      title: panels.map((p, k) => ({ text: p.title ?? '', left: placed[k].left + PANEL_WIDTH / 2, textAlign: 'center', top: placed[k].top - 30, textStyle: { fontSize: 14 } })),
      grid: placed.map((p) => ({ left: p.left, width: PANEL_WIDTH, top: p.top, height: p.height })),
      xAxis: panels.map((p, k) => axes(p, k, false).xAxis),
      yAxis: panels.map((p, k) => axes(p, k, k % perRow === 0).yAxis),
      visualMap: { ...visualMap, top: 40, itemHeight: Math.max(60, height - 140) },
      series: panels.map((p, k) => ({ type: 'heatmap', xAxisIndex: k, yAxisIndex: k, data: data(p) })),
    },
    width,
    height,
  };
}

/** A run as a study summarises it: its units and, per probed step, the ratio of each. */
export interface ProbedRun {
  /** The panel's title. */
  label: string;
  units: ReadonlyArray<{ index: number; transition: boolean }>;
  probes: ReadonlyArray<{ step: number; ratios: ReadonlyArray<number | null> }>;
}

/** The study report's panel of a run: its blocks (1-based; * where the network changes shape) over its probed steps. */
export function probedRunPanel(run: ProbedRun): RatioHeatmapPanel {
  return {
    title: run.label,
    columns: run.probes.map((p) => String(p.step)),
    rows: run.units.map((u) => `${u.index + 1}${u.transition ? ' *' : ''}`),
    ratios: run.probes.map((p) => p.ratios),
    rowLabelInterval: Math.max(0, Math.ceil(run.units.length / 27) - 1),
  };
}
