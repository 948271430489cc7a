import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '@procrustes/core/node';
import { join } from 'node:path';
import { probedRunPanel, ratioHeatmapOption, renderSvg, type Figure } from '@procrustes/report';
import { writeFigures } from '@procrustes/report/node';
import { isDefinedRatio } from '@procrustes/probes';
import type { StudyDefinition } from './definition.js';
import { hasSeeds, seedAccuracyFigure, seedDifferenceFigure, seedGroups, seedMarkdown, seedVerdictFigure } from './seed-report.js';
import { depthLawsMarkdown } from './depth-laws.js';
import { studyDepthFigure } from './depth-figure.js';
import { chartBelowLegend, COLOURS, runLabel } from './figure-layout.js';
import { type InitializationSummary, type RunSummary, secondsPerEpoch, type TrainingSummary } from './summaries.js';
import { percentText } from '../table.js';

/** The probes at the start, middle and end of a run's training. */
function startMiddleEnd(summary: TrainingSummary): TrainingSummary['probes'] {
  const n = summary.probes.length;
  return [...new Set([0, Math.floor((n - 1) / 2), n - 1])].map((i) => summary.probes[i]);
}

/** Names a few runs in a caption; beyond three the list outgrows the caption, and each panel's title names its run. */
const runsNamed = (runs: TrainingSummary[]) => (runs.length <= 3 ? runs.map(runLabel).join(' and ') : `${runs.length} runs, one panel each titled by its run,`);

/** The paper's figure: log₂ r per block (rows) over training (columns), the runs side by side on the one colour scale of every report. */
export function studyHeatmap(runs: TrainingSummary[]): Figure {
  const { option, width, height } = ratioHeatmapOption(
    runs.map((s) => probedRunPanel({ ...s, label: runLabel(s) })),
    'block',
  );
  return {
    name: 'gradient-ratio-heatmap',
    title: 'Gradient norm ratio per block over training',
    caption: `log₂ of the batch mean of r = ‖∂E/∂x_l‖/‖∂E/∂x_{l+1}‖ per block (rows; * marks the blocks where the network changes shape) and probed step (columns), ${runsNamed(runs)} on one colour scale; white is r = 1, the colour saturates beyond r = 10 or 1/10, and a cell left blank is a probe where r was undefined (a zero gradient, 0/0).`,
    svg: renderSvg(option, width, height),
  };
}

/** Compact labels for a log axis that may span many decades. */
const logAxisLabel = (value: number) => (value >= 1e4 || value < 1e-3 ? value.toExponential(0) : String(value));

/**
 * r per block at the start, middle and end of training: one panel per run (rows of three),
 * each on its own log scale, so that one network's outlier does not flatten the others.
 */
export function studyRatioPerBlock(runs: TrainingSummary[]): Figure {
  const columns = Math.min(3, runs.length);
  const panel = (k: number) => ({ left: 70 + (k % columns) * 520, top: 40 + Math.floor(k / columns) * 300, width: 430, height: 210 });
  const svg = renderSvg(
    {
      title: runs.map((s, k) => ({
        text: `${runLabel(s)}: steps ${startMiddleEnd(s)
          .map((p) => p.step)
          .join(', ')}`,
        left: panel(k).left,
        top: panel(k).top - 32,
        textStyle: { fontSize: 13 },
      })),
      grid: runs.map((_, k) => panel(k)),
      xAxis: runs.map((s, k) => ({
        type: 'category' as const,
        gridIndex: k,
        name: 'block',
        nameLocation: 'middle' as const,
        nameGap: 26,
        data: s.units.map((u) => String(u.index + 1)),
      })),
      yAxis: runs.map((_, k) => ({ type: 'log' as const, gridIndex: k, logBase: 10, axisLabel: { formatter: logAxisLabel } })),
      series: runs.flatMap((s, k) =>
        startMiddleEnd(s).map((p, j) => ({
          type: 'line' as const,
          xAxisIndex: k,
          yAxisIndex: k,
          name: `${runLabel(s)}, step ${p.step}`,
          data: p.ratios.map((r) => (isDefinedRatio(r) ? r : '-')),
          symbol: 'none',
          lineStyle: { color: COLOURS[k % COLOURS.length], type: (['dotted', 'dashed', 'solid'] as const)[j] ?? 'solid', width: 1.5 },
          itemStyle: { color: COLOURS[k % COLOURS.length] },
        })),
      ),
    },
    520 * columns + 60,
    Math.ceil(runs.length / columns) * 300 + 20,
  );
  return {
    name: 'ratio-per-block',
    title: 'r per block at the start, middle and end of training',
    caption: 'Batch mean of r per block, one panel per run on its own log scale; dotted: first probe, dashed: middle, solid: last. 1 is norm-preserving.',
    svg,
  };
}

/** Mean |log r| over residual blocks and over transitions, over training. */
export function studyMeanLogRatio(runs: TrainingSummary[]): Figure {
  // With seeds, a colour and a legend entry per group (its seeds' lines share them), so that the
  // arms stand apart rather than one colour per run.
  const groups = [...seedGroups(runs).entries()];
  const seeded = hasSeeds(runs);
  const groupOf = (s: TrainingSummary) => groups.findIndex(([, bySeed]) => [...bySeed.values()].includes(s));
  const svg = chartBelowLegend({
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'log', name: 'mean |log r|', logBase: 10 },
    series: runs.flatMap((s, k) => {
      const [group, bySeed] = groups[groupOf(s)];
      const label = seeded ? `${group} (${bySeed.size} seed${bySeed.size === 1 ? '' : 's'})` : runLabel(s);
      const colour = COLOURS[(seeded ? groupOf(s) : k) % COLOURS.length];
      return [
        {
          type: 'line' as const,
          name: `${label}: residual blocks`,
          data: s.probes.map((p, i) => [p.step, s.residualLogRatio[i]]),
          symbol: 'none',
          lineStyle: { color: colour, width: seeded ? 1.2 : 2 },
          itemStyle: { color: colour },
        },
        {
          type: 'line' as const,
          name: `${label}: transitions`,
          data: s.probes.map((p, i) => [p.step, s.transitionLogRatio[i]]),
          symbol: 'none',
          lineStyle: { color: colour, type: 'dashed' as const, width: seeded ? 1.2 : 2 },
          itemStyle: { color: colour },
        },
      ];
    }),
  });
  return {
    name: 'mean-log-ratio',
    title: 'Mean |log r| over training',
    caption: `Mean over blocks of |ln r| (batch-mean r): solid over the blocks that keep their shape, dashed over the blocks where the network changes shape${seeded ? '; one line per seed, in its group’s colour' : ''}.`,
    svg,
  };
}

/** Largest and smallest singular value of each watched convolution over training. */
export function studySpectra(run: TrainingSummary): Figure | undefined {
  if (run.spectra.length === 0) return undefined;
  const names = run.spectra[0].targets.map((t) => t.name);
  const svg = chartBelowLegend({
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'log', name: 'singular value', logBase: 10 },
    series: names.flatMap((name, k) => {
      const colour = COLOURS[k % COLOURS.length];
      const points = (pick: (t: { largest: number; smallest: number; target?: number }) => number | undefined) =>
        run.spectra.map((r) => [r.step, pick(r.targets.find((t) => t.name === name)!)] as [number, number | undefined]);
      return [
        { type: 'line' as const, name: `${name} largest`, data: points((t) => t.largest), symbol: 'none', lineStyle: { color: colour }, itemStyle: { color: colour } },
        {
          type: 'line' as const,
          name: `${name} smallest`,
          data: points((t) => t.smallest),
          symbol: 'none',
          lineStyle: { color: colour, type: 'dashed' as const },
          itemStyle: { color: colour },
        },
        {
          type: 'line' as const,
          name: `${name} √(cout/cin)`,
          data: points((t) => t.target),
          symbol: 'none',
          lineStyle: { color: colour, type: 'dotted' as const, width: 1 },
          itemStyle: { color: colour },
        },
      ];
    }),
  });
  return {
    name: `spectra-${run.run}`,
    title: `Singular values over training: ${runLabel(run)}`,
    caption:
      'Largest (solid) and smallest (dashed) singular value of each convolution at its output size (circular boundary, stride 1, as the regularizer sees it); dotted: √(cout/cin), where Procrustes puts every singular value.',
    svg,
  };
}

const seedsOf = (probes: InitializationSummary[]) => [...new Set(probes.map((p) => p.seed))].sort((a, b) => a - b);

/** The tables of the study's summaries, as Markdown. */
export function studyMarkdown(study: StudyDefinition, summaries: RunSummary[], figures: Figure[]): string {
  const lines = [
    `# Study \`${study.name}\` (version ${study.version})`,
    '',
    study.description,
    '',
    `Generated by \`procrustes study ${study.name} --report\` from the summaries in \`summaries/\`.`,
    '',
  ];
  const trained = summaries.filter((s): s is TrainingSummary => s.kind === 'train');
  if (trained.length > 0) {
    lines.push(
      '## Training runs',
      '',
      '| run | model | epochs | test accuracy per epoch | mean \\|log r\\| residual (first → last probe) | mean \\|log r\\| transitions (first → last) | s per epoch |',
      '| --- | --- | ---: | --- | --- | --- | ---: |',
    );
    for (const s of trained) {
      const first = 0;
      const last = s.probes.length - 1;
      lines.push(
        `| ${s.run} | ${s.model} | ${s.metrics.length} | ${s.metrics.map((m) => percentText(m.testAccuracy)).join(', ')} | ${last >= 0 ? `${s.residualLogRatio[first].toFixed(4)} → ${s.residualLogRatio[last].toFixed(4)}` : '—'} | ${last >= 0 ? `${s.transitionLogRatio[first].toFixed(4)} → ${s.transitionLogRatio[last].toFixed(4)}` : '—'} | ${secondsPerEpoch(s).toFixed(0)} |`,
      );
    }
    lines.push('');
  }
  const initial = summaries.filter((s): s is InitializationSummary => s.kind === 'initialization');
  if (initial.length > 0) {
    lines.push(
      '## At initialisation',
      '',
      seedsOf(initial).length > 1
        ? `Seeded batches of ${initial[0].batch} real ${initial[0].dataset} training images, seeds ${seedsOf(initial).join(', ')} (the seed sets the weights and the batch; one batch per seed, the same for every model).`
        : `Seeded batch of ${initial[0].batch} real ${initial[0].dataset} training images, seed ${initial[0].seed}, the same for every model.`,
      '',
    );
    if (seedsOf(initial).length === 1)
      lines.push(
        '| model | depth | mean \\|log r\\| residual | max \\|log r\\| residual | mean \\|log r\\| transitions | max \\|log r\\| transitions | δ |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      );
    const value = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits));
    const undefinedNote = (stats: { undefined?: number }) => (stats.undefined ? ` (r undefined at ${stats.undefined} units: gradient 0)` : '');
    if (seedsOf(initial).length === 1)
      for (const s of [...initial].sort((a, b) => a.family.localeCompare(b.family) || a.depth - b.depth)) {
        lines.push(
          `| ${s.model} | ${s.depth} | ${value(s.residual.mean, 4)}${undefinedNote(s.residual)} | ${value(s.residual.max, 4)} | ${value(s.transitions.mean, 4)}${undefinedNote(s.transitions)} | ${value(s.transitions.max, 4)} | ${value(s.delta, 3)} |`,
        );
      }
    lines.push('');
    lines.push(...depthLawsMarkdown(initial));
    lines.push('');
  }
  if (hasSeeds(summaries)) lines.push(...seedMarkdown(summaries));
  if (figures.length > 0) {
    lines.push('## Figures', '');
    for (const f of figures) lines.push(`### ${f.title}`, '', `![${f.title}](figures/${f.name}.png)`, '', f.caption, '');
  }
  return `${lines.join('\n')}\n`;
}

/** Reads the study's summaries and writes its figures (SVG, PNG) and README.md. */
/** Committed with the study: a figure whose SVG passes this (a heatmap of many deep runs) is kept as PNG only. */
export const STUDY_SVG_LIMIT_BYTES = 2_000_000;

export async function writeStudyReport(study: StudyDefinition, results: string): Promise<{ markdown: string; figures: string[] }> {
  const summaries: RunSummary[] = study.runs
    .map((r) => join(results, 'summaries', `${r.name}.json`))
    .filter((path) => existsSync(path))
    .map((path) => JSON.parse(readFileSync(path, 'utf8')) as RunSummary);
  const trained = summaries.filter((s): s is TrainingSummary => s.kind === 'train');
  const probed = trained.filter((s) => s.probes.length > 0);
  const initial = summaries.filter((s): s is InitializationSummary => s.kind === 'initialization');
  const figures: Figure[] = [];
  // A seeded study's figures of its comparison come first, before each run's own.
  if (hasSeeds(trained)) {
    const verdicts = seedVerdictFigure(trained, COLOURS, renderSvg);
    if (verdicts) figures.push(verdicts);
    figures.push(seedAccuracyFigure(trained, COLOURS, (option) => chartBelowLegend(option)));
    const differences = seedDifferenceFigure(trained, COLOURS, (option) => chartBelowLegend(option));
    if (differences) figures.push(differences);
  }
  if (probed.length > 0) figures.push(studyHeatmap(probed), studyRatioPerBlock(probed), studyMeanLogRatio(probed));
  for (const s of trained) {
    const spectra = studySpectra(s);
    if (spectra) figures.push(spectra);
  }
  if (initial.length > 1) figures.push(studyDepthFigure(initial));
  const paths = await writeFigures(figures, join(results, 'figures'), { svgLimitBytes: STUDY_SVG_LIMIT_BYTES });
  const markdown = join(results, 'README.md');
  await writeFileAtomically(markdown, studyMarkdown(study, summaries, figures));
  return { markdown, figures: paths };
}
