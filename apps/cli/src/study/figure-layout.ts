import { renderSvg } from '@procrustes/report';

// Ten colours that stay apart from each other (a study of three families at three depths has nine runs).
export const COLOURS = ['#b2182b', '#2166ac', '#1b7837', '#762a83', '#e08214', '#4d4d4d', '#01665e', '#c51b7d', '#8c510a', '#6baed6'];

/** Rows ECharts' legend takes for these names across `width` px (25 px symbol, 10 px gap, about 5.5 px a character at 12 px, measured). */
export function legendRows(names: string[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const item = 35 + 5.6 * name.length;
    if (used > 0 && used + item > width - 20) {
      rows++;
      used = 0;
    }
    used += item;
  }
  return rows;
}

/** A chart whose plot starts below its legend however many rows that takes, and keeps 300 px of height. */
export function chartBelowLegend(option: Record<string, unknown> & { series: Array<{ name: string }> }, width = 900): string {
  const top = 20 + 24 * legendRows([...new Set(option.series.map((s) => s.name))], width) + 20; // the legend, then the y axis's name
  return renderSvg({ ...option, legend: { top: 5 }, grid: { left: 70, right: 30, top, bottom: 50 } }, width, top + 300 + 50);
}

/** What a figure calls a run: its model, and its name too where they differ (an ablation's runs share one model). */
export const runLabel = (s: { run: string; model: string }) => (s.run === s.model ? s.model : `${s.run} (${s.model})`);
