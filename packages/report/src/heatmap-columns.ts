import type { RatioHeatmapPanel } from './ratio-heatmap.js';

/** One column of the heatmap: consecutive training steps merged, with the mean log₂ ratio of each unit over them. */
export interface HeatmapColumn {
  firstStep: number;
  lastStep: number;
  /** Per unit; NaN where no step of the column had a finite ratio for it. */
  meanLogRatios: number[];
}

/**
 * Merges the per-step log₂ ratios into at most `maxColumns` columns of equal width (a power of
 * two steps, so that a column never splits when more steps arrive), so that drawing the heatmap
 * costs the same after ten thousand steps as after a hundred. Non-finite ratios (0/0) are left
 * out of the means, not averaged in.
 */
export function heatmapColumns(steps: readonly number[], logRatios: readonly (readonly number[])[], maxColumns: number): HeatmapColumn[] {
  if (!Number.isInteger(maxColumns) || maxColumns < 1) throw new Error(`heatmapColumns: maxColumns must be a positive integer, got ${maxColumns}`);
  if (steps.length !== logRatios.length) throw new Error(`heatmapColumns: ${steps.length} steps but ${logRatios.length} rows of ratios`);
  let width = 1;
  while (Math.ceil(steps.length / width) > maxColumns) width *= 2;
  const columns: HeatmapColumn[] = [];
  for (let start = 0; start < steps.length; start += width) {
    const rows = logRatios.slice(start, start + width);
    const units = Math.max(0, ...rows.map((row) => row.length));
    const meanLogRatios = Array.from({ length: units }, (_, unit) => {
      const finite = rows.map((row) => row[unit]).filter((value): value is number => Number.isFinite(value));
      return finite.length ? finite.reduce((sum, value) => sum + value, 0) / finite.length : Number.NaN;
    });
    columns.push({ firstStep: steps[start], lastStep: steps[Math.min(start + width, steps.length) - 1], meanLogRatios });
  }
  return columns;
}

const columnLabel = (c: HeatmapColumn) => (c.firstStep === c.lastStep ? String(c.firstStep) : `${c.firstStep}–${c.lastStep}`);

/** The page's heatmap panel: per-step log₂ ratios merged into at most `maxColumns` columns. */
export function mergedColumnsPanel(steps: readonly number[], logRatios: readonly (readonly number[])[], maxColumns: number, rows: string[], title?: string): RatioHeatmapPanel {
  const columns = heatmapColumns(steps, logRatios, maxColumns);
  return { title, columns: columns.map(columnLabel), rows, ratios: columns.map((c) => c.meanLogRatios.map((value) => 2 ** value)) };
}
