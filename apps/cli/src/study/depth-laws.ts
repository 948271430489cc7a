import { isDefinedRatio } from '@procrustes/probes';
import { seedInterval, type SeedInterval } from './seed-statistics.js';
import type { InitializationSummary } from './summaries.js';

/** A law fitted to (depth, value) points by least squares, and how well it fits (R² on the values). */
export interface DepthFit {
  law: string;
  /** The law with its fitted constants, e.g. `0.81 · ln L / L`. */
  formula: string;
  predict: (depth: number) => number;
  r2: number;
  /** The largest |value − fit| / value over the points. */
  worstRelativeError: number;
}

const rSquared = (points: ReadonlyArray<{ depth: number; value: number }>, predict: (depth: number) => number) => {
  const mean = points.reduce((s, p) => s + p.value, 0) / points.length;
  const residual = points.reduce((s, p) => s + (p.value - predict(p.depth)) ** 2, 0);
  const total = points.reduce((s, p) => s + (p.value - mean) ** 2, 0);
  return total > 0 ? 1 - residual / total : 1;
};

/** value ≈ c · f(L): c by least squares through the origin. */
function scaled(points: ReadonlyArray<{ depth: number; value: number }>, f: (depth: number) => number, law: string, formula: (c: number) => string): DepthFit {
  const c = points.reduce((s, p) => s + p.value * f(p.depth), 0) / points.reduce((s, p) => s + f(p.depth) ** 2, 0);
  const predict = (depth: number) => c * f(depth);
  return { law, formula: formula(c), predict, r2: rSquared(points, predict), worstRelativeError: Math.max(...points.map((p) => Math.abs(p.value - predict(p.depth)) / p.value)) };
}

/**
 * The three shapes claimed or seen for mean |log r| against depth, fitted side by side: the
 * paper's c · ln L / L, c / √L, and a free power law a · L^b (fitted on log–log axes, its R² taken
 * on the values like the others').
 */
export function fitDepthLaws(points: ReadonlyArray<{ depth: number; value: number }>): DepthFit[] {
  const n = points.length;
  const xs = points.map((p) => Math.log(p.depth));
  const ys = points.map((p) => Math.log(p.value));
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const a = Math.exp(my - b * mx);
  const power = (depth: number) => a * depth ** b;
  return [
    scaled(
      points,
      (L) => Math.log(L) / L,
      'c · ln L / L',
      (c) => `${c.toPrecision(3)} · ln L / L`,
    ),
    scaled(
      points,
      (L) => 1 / Math.sqrt(L),
      'c / √L',
      (c) => `${c.toPrecision(3)} / √L`,
    ),
    {
      law: 'a · L^b',
      formula: `${a.toPrecision(3)} · L^${b.toPrecision(3)}`,
      predict: power,
      r2: rSquared(points, power),
      worstRelativeError: Math.max(...points.map((p) => Math.abs(p.value - power(p.depth)) / p.value)),
    },
  ];
}

/** The residual block with the largest |log r| of a probe (1-based, as the figures number blocks). */
export function worstBlock(summary: InitializationSummary): { block: number; logRatio: number } | undefined {
  let worst: { block: number; logRatio: number } | undefined;
  summary.ratios.forEach((r, i) => {
    if (summary.units[i].transition || !isDefinedRatio(r)) return;
    const logRatio = Math.abs(Math.log(r));
    if (!worst || logRatio > worst.logRatio) worst = { block: summary.units[i].index + 1, logRatio };
  });
  return worst;
}

/** One depth of one family (and initialisation) over its seeds. */
export interface DepthRow {
  family: string;
  initialization: string;
  model: string;
  depth: number;
  seeds: number;
  /** Mean |log r| over residual units over seeds (mean, sd, 95 % interval), and each probe's largest |log r| of a residual block over seeds. */
  residual: SeedInterval;
  residualMax: SeedInterval;
  /** The largest |log r| of any residual block over the seeds, where, and at which seed. */
  worst?: { block: number; logRatio: number; seed: number };
  deltaMean: number;
  deltaMax: number;
}

/** The probes at initialisation grouped by family, initialisation and depth, over seeds. */
export function depthRows(probes: InitializationSummary[]): DepthRow[] {
  const groups = new Map<string, InitializationSummary[]>();
  for (const p of probes) {
    const key = `${p.family}|${p.definition?.initialization ?? 'he-fan-out'}|${p.depth}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const rows: DepthRow[] = [];
  for (const [key, group] of groups) {
    const [family, initialization] = key.split('|');
    const residual = seedInterval(group.map((p) => p.residual.mean).filter(Number.isFinite));
    let worst: DepthRow['worst'];
    for (const p of group) {
      const w = worstBlock(p);
      if (w && (!worst || w.logRatio > worst.logRatio)) worst = { ...w, seed: p.seed };
    }
    const deltas = group.map((p) => p.delta).filter(Number.isFinite);
    rows.push({
      family,
      initialization,
      model: group[0].model,
      depth: group[0].depth,
      seeds: group.length,
      residual,
      residualMax: seedInterval(group.map((p) => p.residual.max).filter(Number.isFinite)),
      worst,
      deltaMean: deltas.reduce((a, b) => a + b, 0) / deltas.length,
      deltaMax: Math.max(...deltas),
    });
  }
  return rows.sort((a, b) => a.family.localeCompare(b.family) || a.initialization.localeCompare(b.initialization) || a.depth - b.depth);
}

/** One family under one initialisation: its rows, those with a usable mean |ln r|, and the three laws fitted to them. */
export interface FamilyDepthFit {
  family: string;
  initialization: string;
  rows: DepthRow[];
  /** Rows whose mean |ln r| is finite and positive (a log–log fit needs both). */
  fitted: DepthRow[];
  /** The three laws; none with fewer than two such depths. */
  fits: DepthFit[];
}

/** The figure and the table both fit per family: one place decides which rows count. */
export function familyDepthFits(rows: DepthRow[]): FamilyDepthFit[] {
  const keys = [...new Set(rows.map((r) => `${r.family}|${r.initialization}`))];
  return keys.map((key) => {
    const [family, initialization] = key.split('|');
    const ofFamily = rows.filter((r) => r.family === family && r.initialization === initialization);
    const fitted = ofFamily.filter((r) => Number.isFinite(r.residual.mean) && r.residual.mean > 0);
    const fits = fitted.length >= 2 ? fitDepthLaws(fitted.map((r) => ({ depth: r.depth, value: r.residual.mean }))) : [];
    return { family, initialization, rows: ofFamily, fitted, fits };
  });
}

/** Markdown: per depth over seeds, then the three laws fitted side by side per family. */
export function depthLawsMarkdown(probes: InitializationSummary[]): string[] {
  const rows = depthRows(probes);
  const seeded = rows.some((r) => r.seeds > 1);
  // One seed has no spread to give: its value alone, not a standard deviation of 0.
  const residualText = (r: DepthRow) => (r.seeds > 1 ? `${r.residual.mean.toFixed(4)} ± ${r.residual.sd.toFixed(4)}` : `${r.residual.mean.toFixed(4)} (one seed)`);
  const lines = [
    seeded ? '### Over seeds, per depth' : '### Per depth',
    '',
    '| family | initialisation | model | depth | seeds | mean \\|ln r\\| residual (mean ± sd) | worst residual block (\\|ln r\\|, seed) | δ mean (max) |',
    '| --- | --- | --- | ---: | ---: | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.family} | ${r.initialization} | ${r.model} | ${r.depth} | ${r.seeds} | ${residualText(r)} | ${r.worst ? `block ${r.worst.block} (${r.worst.logRatio.toFixed(3)}, seed ${r.worst.seed})` : '—'} | ${r.deltaMean.toFixed(3)} (${r.deltaMax.toFixed(3)}) |`,
    ),
    '',
    '### Shape against depth',
    '',
    'Mean |ln r| over residual units (the mean over seeds at each depth) fitted by least squares with the paper’s c · ln L / L, with c / √L and with a free power law a · L^b; R² on the values.',
    '',
    '| family | initialisation | c · ln L / L (R², worst point) | c / √L (R², worst point) | a · L^b (R², worst point) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const { family, initialization, fits } of familyDepthFits(rows)) {
    if (fits.length === 0) continue;
    lines.push(`| ${family} | ${initialization} | ${fits.map((f) => `${f.formula} (${f.r2.toFixed(3)}, ${(100 * f.worstRelativeError).toFixed(0)} %)`).join(' | ')} |`);
  }
  lines.push('');
  return lines;
}
