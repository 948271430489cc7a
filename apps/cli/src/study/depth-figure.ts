import { renderSvg, type Figure } from '@procrustes/report';
import { depthRows, familyDepthFits } from './depth-laws.js';
import { COLOURS, legendRows } from './figure-layout.js';
import { intervalBarSeries } from './interval-bars.js';
import type { SeedInterval } from './seed-statistics.js';
import type { InitializationSummary } from './summaries.js';

/** Mean |log r| of residual units against depth per family (mean over seeds), log–log, with the three laws fitted; beside it the worst residual block. */
export function studyDepthFigure(probes: InitializationSummary[]): Figure {
  const rows = depthRows(probes);
  const families = familyDepthFits(rows);
  // A family under the default initialisation goes by its name alone.
  const names = families.map(({ family, initialization }) => (initialization === 'he-fan-out' ? family : `${family} (${initialization})`));
  const depths = rows.map((r) => r.depth);
  // Two panels: the mean over residual units with the three laws fitted to it, and the worst residual block.
  const legendTop = 20 + 24 * legendRows(names, 1200) + 40;
  const panels = [0, 1].map((k) => ({ left: 70 + k * 600, top: legendTop, width: 500, height: 300 }));
  const series = families.flatMap(({ rows: ofFamily, fitted: meanPoints, fits }, k) => {
    const name = names[k];
    const colour = COLOURS[k % COLOURS.length];
    const maxPoints = ofFamily.filter((r) => Number.isFinite(r.residualMax.mean) && r.residualMax.mean > 0);
    const at = meanPoints.map((p) => p.depth);
    const grid = Array.from({ length: 40 }, (_, i) => Math.min(...at) * (Math.max(...at) / Math.min(...at)) ** (i / 39));
    // Every series of a family carries its name, so the legend lists families only; the caption tells the line styles.
    const line = (panel: number, points: Array<{ depth: number; interval: SeedInterval }>) => [
      {
        type: 'line' as const,
        name,
        xAxisIndex: panel,
        yAxisIndex: panel,
        data: points.map((p) => [p.depth, p.interval.mean]),
        symbolSize: 7,
        lineStyle: { color: colour },
        itemStyle: { color: colour },
      },
      {
        ...intervalBarSeries(
          // No bar for one seed; where a bar would reach 0 the log axis cannot draw it, so it stops at a tenth of the mean.
          points
            .filter((p) => Number.isFinite(p.interval.halfWidth))
            .map((p) => ({ at: p.depth, low: Math.max(p.interval.low, p.interval.mean / 10), high: p.interval.high, colour })),
          'vertical',
          1.5,
          4,
        ),
        name,
        xAxisIndex: panel,
        yAxisIndex: panel,
      },
    ];
    return [
      ...line(
        0,
        meanPoints.map((p) => ({ depth: p.depth, interval: p.residual })),
      ),
      ...fits.map((fit, j) => ({
        type: 'line' as const,
        name,
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: grid.map((L) => [L, fit.predict(L)]),
        symbol: 'none',
        silent: true,
        lineStyle: { color: colour, type: (['dotted', 'dashed', 'solid'] as const)[j], width: 1 },
        itemStyle: { color: colour },
      })),
      ...line(
        1,
        maxPoints.map((p) => ({ depth: p.depth, interval: p.residualMax })),
      ),
    ];
  });
  // The depth axis spans the depths probed (a log axis left to itself runs on to the next power of 10).
  const depthAxis = (gridIndex: number) => ({
    type: 'log',
    gridIndex,
    name: 'depth L',
    nameLocation: 'middle',
    nameGap: 30,
    logBase: 10,
    min: 10 ** Math.floor(Math.log10(Math.min(...depths))),
    max: Math.max(...depths) * 1.25,
    axisLabel: { formatter: (v: number) => String(Math.round(v)) },
  });
  const svg = renderSvg(
    {
      legend: { top: 5, data: names },
      title: [
        { text: 'mean |ln r| over residual units, with the three laws fitted', left: panels[0].left, top: legendTop - 30, textStyle: { fontSize: 13 } },
        { text: 'worst residual block: max |ln r|', left: panels[1].left, top: legendTop - 30, textStyle: { fontSize: 13 } },
      ],
      grid: panels,
      xAxis: [depthAxis(0), depthAxis(1)],
      yAxis: [0, 1].map((gridIndex) => ({ type: 'log', gridIndex, logBase: 10 })),
      series,
    },
    1200,
    legendTop + 300 + 60,
  );
  const seeds = Math.max(...rows.map((r) => r.seeds));
  return {
    name: 'depth',
    title: 'Norm preservation against depth at initialisation',
    caption: `Left: mean |ln r| over the units that keep their shape, per family and depth (log–log), with three laws fitted per family: the paper’s c · ln L / L (dotted), c / √L (dashed) and a free power law a · L^b (thin solid); right: the largest |ln r| of any such unit (the worst block, which bounds what the paper’s δ can be). ${
      seeds > 1
        ? `Points: the mean over ${seeds} seeds; bars: its 95 % confidence interval (Student t; where a bar would reach 0 it is cut at a tenth of the mean).`
        : 'One seed per point.'
    } The fitted constants and R² are in the table “Shape against depth”.`,
    svg,
  };
}
