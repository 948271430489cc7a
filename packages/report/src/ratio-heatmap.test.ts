import { describe, expect, it } from 'vitest';
import { probeRecordsPanel, renderSvg } from './charts.js';
import { mergedColumnsPanel } from './heatmap-columns.js';
import { probedRunPanel, RATIO_PALETTE, RATIO_SCALE_MAXIMUM, ratioHeatmapOption, ratioScaleBound, rowLabelShown } from './ratio-heatmap.js';
import type { ProbeRecord } from './run-records.js';

// Three probes of a three-unit network: a unit that grows, one at 1, one whose gradient vanished at the last probe.
const ratios = [
  [1.5, 1, 0.8],
  [2.5, 1.01, 0.5],
  [3, 0.99, Number.NaN],
];
const probes: ProbeRecord[] = ratios.map((row, i) => ({
  step: 10 * i,
  epoch: 0,
  loss: 1,
  delta: 1,
  units: row.map((ratioMean, index) => ({
    index,
    kind: index === 1 ? 'transition' : 'residual',
    ratioMean,
    median: ratioMean,
    p5: ratioMean,
    p95: ratioMean,
    delta: 0,
    forwardMean: 1,
  })),
}));

type Option = { visualMap: Record<string, unknown>; series: Array<{ data: Array<[number, number, number | '-']> }> };
const scaleOf = (option: Record<string, unknown>) => {
  const { min, max, inRange, text } = (option as Option).visualMap;
  return { min, max, inRange, text };
};
const cellsOf = (option: Record<string, unknown>) => (option as Option).series[0].data.map((cell) => cell[2]);

describe('the one colour scale of gradient norm ratios', () => {
  it('the run report, the study report and the page draw the same records on the same scale, with the same cells', () => {
    const runReport = ratioHeatmapOption([probeRecordsPanel(probes)]).option;
    // The study summarises each probe as its ratios (JSON: a NaN becomes null).
    const study = ratioHeatmapOption(
      [
        probedRunPanel({
          label: 'run',
          units: [0, 1, 2].map((index) => ({ index, transition: index === 1 })),
          probes: probes.map((p) => ({ step: p.step, ratios: p.units.map((u) => (Number.isNaN(u.ratioMean) ? null : u.ratioMean)) })),
        }),
      ],
      'block',
    ).option;
    // The page keeps log₂ r per step and merges steps into columns (here none merge).
    const page = ratioHeatmapOption([
      mergedColumnsPanel(
        probes.map((p) => p.step),
        ratios.map((row) => row.map(Math.log2)),
        240,
        ['0', '1 T', '2'],
      ),
    ]).option;
    expect(scaleOf(study)).toEqual(scaleOf(runReport));
    expect(scaleOf(page)).toEqual(scaleOf(runReport));
    expect(scaleOf(runReport)).toMatchObject({ min: -Math.log2(3), max: Math.log2(3), inRange: { color: [...RATIO_PALETTE] } });
    const expected = cellsOf(runReport);
    expect(expected.filter((c) => c === '-')).toHaveLength(1);
    for (const other of [cellsOf(study), cellsOf(page)]) {
      other.forEach((cell, i) => {
        if (expected[i] === '-') expect(cell).toBe('-');
        else expect(cell).toBeCloseTo(expected[i] as number, 12);
      });
    }
  });

  it('is symmetric, at least ±0.1 and at most ±log₂ 10 in log₂ r, and saturates beyond', () => {
    expect(ratioScaleBound([1, 1.01, null, 0])).toBe(0.1);
    expect(ratioScaleBound([0.25, 2])).toBe(2);
    expect(ratioScaleBound([1e18])).toBe(RATIO_SCALE_MAXIMUM);
    const option = ratioHeatmapOption([probeRecordsPanel(probes.map((p) => ({ ...p, units: p.units.map((u) => ({ ...u, ratioMean: 1e6 })) })))]).option;
    expect(new Set(cellsOf(option))).toEqual(new Set([RATIO_SCALE_MAXIMUM]));
  });

  it('prints the label of every block where the network changes shape, also where it skips labels', () => {
    // ProcResNet-58's 29 units, transitions at blocks 10 and 20: too many rows for every label.
    const units = Array.from({ length: 29 }, (_, index) => ({ index, transition: index === 9 || index === 19 }));
    const panel = probedRunPanel({ label: 'procresnet-58', units, probes: [{ step: 0, ratios: units.map(() => 1) }] });
    expect(panel.rowLabelInterval).toBe(1);
    const shown = rowLabelShown(panel.rows, 1);
    const printed = panel.rows.filter((_, index) => shown(index));
    expect(printed).toEqual(['1', '3', '5', '7', '10 *', '13', '15', '17', '20 *', '23', '25', '27', '29']);
    // Without skipping, every label, marked or not.
    expect(panel.rows.filter((_, index) => rowLabelShown(panel.rows, 0)(index))).toHaveLength(29);
    // The rendered figure carries the marked labels (two panels: the study report's layout).
    const { option, width, height } = ratioHeatmapOption([panel, panel], 'block');
    const svg = renderSvg(option, width, height);
    for (const label of ['10 *', '20 *', '13']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('>11</text>');
  });
});

describe('the panels of a study heatmap', () => {
  it('centre each run’s title over its own panel, so a long one stays clear of its neighbour and the colour bar', () => {
    const panel = probeRecordsPanel(probes);
    const titles = ['resnet-56-seed0 (resnet-56)', 'procresnet-58-seed0 (procresnet-58)', 'procresnet-58-unregularized-seed0 (procresnet-58)', 'resnet-56-seed1 (resnet-56)'];
    const { option } = ratioHeatmapOption(titles.map((title) => ({ ...panel, title })));
    const { title, grid } = option as { title: Array<{ text: string; left: number; textAlign: string }>; grid: Array<{ left: number; width: number }> };
    expect(title.map((t) => t.text)).toEqual(titles);
    title.forEach((t, k) => {
      expect(t.textAlign).toBe('center');
      expect(t.left).toBe(grid[k].left + grid[k].width / 2);
    });
  });
});
