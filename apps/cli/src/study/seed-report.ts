import type { Figure } from '@procrustes/report';
import { intervalBarSeries } from './interval-bars.js';
import { pairedDifference, seedInterval, type SeedInterval } from './seed-statistics.js';
import type { InitializationSummary, RunSummary, TrainingSummary } from './summaries.js';

/** Runs of one group (a run of the definition with its seeds), keyed by seed. */
export function seedGroups<T extends RunSummary>(summaries: T[]): Map<string, Map<number, T>> {
  const groups = new Map<string, Map<number, T>>();
  for (const s of summaries) {
    const group = s.group ?? s.run;
    if (!groups.has(group)) groups.set(group, new Map());
    groups.get(group)!.set(s.seed ?? 0, s);
  }
  return groups;
}

/** Whether any group of the study ran more than one seed (the study then reports spreads). */
export const hasSeeds = (summaries: RunSummary[]) => [...seedGroups(summaries).values()].some((g) => g.size > 1);

const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];
const finalAccuracy = (s: TrainingSummary) => 100 * (last(s.metrics)?.testAccuracy ?? Number.NaN);
const finalLoss = (s: TrainingSummary) => last(s.metrics)?.testLoss ?? Number.NaN;
const lastResidual = (s: TrainingSummary) => last(s.residualLogRatio) ?? Number.NaN;
const lastTransitions = (s: TrainingSummary) => last(s.transitionLogRatio) ?? Number.NaN;

/** `mean ± sd [low, high]`, or the one value of a single seed. */
export function formatInterval(i: SeedInterval, digits: number): string {
  if (i.n === 0 || !Number.isFinite(i.mean)) return '—';
  if (i.n === 1) return `${i.mean.toFixed(digits)} (one seed)`;
  return `${i.mean.toFixed(digits)} ± ${i.sd.toFixed(digits)} [${i.low.toFixed(digits)}, ${i.high.toFixed(digits)}]`;
}

const intervalOver = <T>(runs: Map<number, T>, metric: (s: T) => number) => seedInterval([...runs.values()].map(metric).filter(Number.isFinite));

const accuracyAfter = (epoch: number) => (s: TrainingSummary) => 100 * (s.metrics[epoch]?.testAccuracy ?? Number.NaN);

/** Every comparison A − B between the study's groups, in the order of its definition. */
const groupPairs = (names: string[]) => names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b] as const));

/** One group's metric by seed, the form pairedDifference takes. */
const metricBySeed = (runs: Map<number, TrainingSummary>, metric: (s: TrainingSummary) => number) => new Map([...runs].map(([seed, s]) => [seed, metric(s)]));

/** The black line at A − B = 0 of the difference figures, as a mark line on the axis of the differences. */
const noDifferenceLine = (axis: 'xAxis' | 'yAxis') => ({
  silent: true,
  symbol: 'none',
  label: { show: false },
  lineStyle: { color: '#333', type: 'solid', width: 1 },
  data: [{ [axis]: 0 }],
});

/**
 * The paired difference in test accuracy after every epoch, not only the last: whether one arm
 * learns faster early is part of "trains better". Each cell is its own interval, so the caption
 * warns that some exclude zero by chance; the end-of-training verdict is the one fixed in advance.
 */
function epochDifferenceMarkdown(trained: Map<string, Map<number, TrainingSummary>>, pairs: ReadonlyArray<readonly [string, string]>): string[] {
  const epochs = Math.max(...[...trained.values()].flatMap((runs) => [...runs.values()].map((s) => s.metrics.length)));
  if (epochs < 2) return [];
  const rows: string[] = [];
  for (const [a, b] of pairs) {
    const cells = Array.from({ length: epochs }, (_, e) => {
      const d = pairedDifference(metricBySeed(trained.get(a)!, accuracyAfter(e)), metricBySeed(trained.get(b)!, accuracyAfter(e)), String);
      if (d.n < 2) return d.n === 1 ? `${d.mean.toFixed(1)} (one seed)` : '—';
      const cell = `${d.mean.toFixed(1)} [${d.low.toFixed(1)}, ${d.high.toFixed(1)}]`;
      return d.low > 0 || d.high < 0 ? `**${cell}**` : cell;
    });
    if (cells.every((c) => c === '—')) continue;
    rows.push(`| ${a} − ${b} | ${cells.join(' | ')} |`);
  }
  if (rows.length === 0) return [];
  const header = Array.from({ length: epochs }, (_, e) => `epoch ${e + 1}`);
  return [
    '### Test accuracy after each epoch (points, A − B by seed)',
    '',
    'Mean paired difference [95 % interval]; bold where the interval excludes 0. Each cell is its own interval: where the arms do not differ, about one cell in twenty excludes 0 by chance, so a lone bold cell is weak evidence; the verdict above, at the end of training, is the comparison fixed in advance.',
    '',
    `| A − B | ${header.join(' | ')} |`,
    `| --- | ${header.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
  ];
}

/** The tables of a seeded study: each group's metrics over its seeds, and paired differences between groups. */
export function seedMarkdown(summaries: RunSummary[]): string[] {
  const lines: string[] = [];
  const trained = seedGroups(summaries.filter((s): s is TrainingSummary => s.kind === 'train'));
  if (trained.size > 0) {
    lines.push(
      '## Over seeds',
      '',
      'Each cell: mean ± standard deviation over the seeds [95 % confidence interval of the mean, Student t], at the end of training.',
      '',
      '| group | model | seeds | test accuracy (%) | test loss | mean \\|log r\\| residual (last probe) | mean \\|log r\\| transitions (last probe) |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const [group, runs] of trained) {
      const any = [...runs.values()][0];
      lines.push(
        `| ${group} | ${any.model} | ${[...runs.keys()].sort((a, b) => a - b).join(', ')} | ${formatInterval(intervalOver(runs, finalAccuracy), 2)} | ${formatInterval(intervalOver(runs, finalLoss), 4)} | ${formatInterval(intervalOver(runs, lastResidual), 4)} | ${formatInterval(intervalOver(runs, lastTransitions), 4)} |`,
      );
    }
    lines.push('');
    const pairs = groupPairs([...trained.keys()]);
    if (pairs.length > 0) {
      lines.push(
        '## Paired differences (A − B, by seed)',
        '',
        'The same seed gives both arms the same data order and augmentation (and initialisation where their parameters match); the interval is of the mean difference over the seeds both ran.',
        '',
        '| A − B | seeds | test accuracy (points) | verdict | test loss | verdict |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      for (const [a, b] of pairs) {
        const by = (group: string, metric: (s: TrainingSummary) => number) => metricBySeed(trained.get(group)!, metric);
        const accuracy = pairedDifference(by(a, finalAccuracy), by(b, finalAccuracy), (x) => `${x.toFixed(2)} points`);
        const loss = pairedDifference(by(a, finalLoss), by(b, finalLoss), (x) => x.toFixed(4));
        if (accuracy.n === 0) continue;
        lines.push(`| ${a} − ${b} | ${accuracy.seeds.join(', ')} | ${formatInterval(accuracy, 2)} | ${accuracy.verdict} | ${formatInterval(loss, 4)} | ${loss.verdict} |`);
      }
      lines.push('');
      lines.push(...epochDifferenceMarkdown(trained, pairs));
    }
  }
  const initial = seedGroups(summaries.filter((s): s is InitializationSummary => s.kind === 'initialization'));
  if ([...initial.values()].some((g) => g.size > 1)) {
    lines.push(
      '## At initialisation, over seeds',
      '',
      '| group | model | depth | seeds | mean \\|log r\\| residual | max \\|log r\\| residual | δ |',
      '| --- | --- | ---: | --- | --- | --- | --- |',
    );
    for (const [group, runs] of initial) {
      const any = [...runs.values()][0];
      lines.push(
        `| ${group} | ${any.model} | ${any.depth} | ${[...runs.keys()].sort((a, b) => a - b).join(', ')} | ${formatInterval(
          intervalOver(runs, (s) => s.residual.mean),
          4,
        )} | ${formatInterval(
          intervalOver(runs, (s) => s.residual.max),
          4,
        )} | ${formatInterval(
          intervalOver(runs, (s) => s.delta),
          3,
        )} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

type Chart = (option: Record<string, unknown> & { series: Array<{ name: string }> }) => string;

/**
 * A mean line with its 95 % band, drawn as an invisible lower line with the band's height stacked
 * on it (stacking needs a category axis; 'all' stacks a height on a negative base too). `within`
 * keeps the band where the quantity can lie (two seeds give wide intervals).
 */
function bandSeries(name: string, colour: string, intervals: SeedInterval[], within: readonly [number, number] = [-Infinity, Infinity]) {
  const low = intervals.map((i) => (Number.isFinite(i.halfWidth) ? Math.max(within[0], i.low) : i.mean));
  const high = intervals.map((i) => (Number.isFinite(i.halfWidth) ? Math.min(within[1], i.high) : i.mean));
  const stacked = { stack: name, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color: colour }, silent: true };
  return [
    { type: 'line' as const, name, data: low, ...stacked },
    { type: 'line' as const, name, data: high.map((y, e) => y - low[e]), ...stacked, areaStyle: { color: colour, opacity: 0.18 } },
    { type: 'line' as const, name, data: intervals.map((i) => i.mean), symbol: 'circle', symbolSize: 5, lineStyle: { color: colour }, itemStyle: { color: colour } },
  ];
}

const epochAxis = (epochs: number) => ({
  type: 'category',
  name: 'epoch',
  nameLocation: 'middle',
  nameGap: 30,
  boundaryGap: false,
  data: Array.from({ length: epochs }, (_, e) => String(e + 1)),
});

/** Test accuracy per epoch, mean over each group's seeds with its 95 % band. */
export function seedAccuracyFigure(summaries: TrainingSummary[], colours: readonly string[], chart: Chart): Figure {
  const epochsShown = Math.max(...summaries.map((s) => s.metrics.length));
  const series = [...seedGroups(summaries)].flatMap(([group, runs], k) => {
    const epochs = Math.max(...[...runs.values()].map((s) => s.metrics.length));
    const intervals = Array.from({ length: epochs }, (_, e) => seedInterval([...runs.values()].flatMap((s) => (s.metrics[e] ? [100 * s.metrics[e].testAccuracy] : []))));
    return bandSeries(`${group} (${runs.size} seed${runs.size === 1 ? '' : 's'})`, colours[k % colours.length], intervals, [0, 100]);
  });
  return {
    name: 'test-accuracy-over-seeds',
    title: 'Test accuracy over seeds',
    caption: 'Test accuracy after each epoch: the mean over each group’s seeds (line) and the 95 % confidence interval of the mean (band, Student t, drawn within 0–100 %).',
    svg: chart({ xAxis: epochAxis(epochsShown), yAxis: { type: 'value', name: 'test accuracy (%)', scale: true }, series }),
  };
}

/**
 * The paired difference in test accuracy of every two groups after each epoch, with its band: the
 * figure of the verdicts (a band that leaves 0 at the last epoch decides). Undefined without two
 * groups that share at least two seeds.
 */
export function seedDifferenceFigure(summaries: TrainingSummary[], colours: readonly string[], chart: Chart): Figure | undefined {
  const groups = seedGroups(summaries);
  const epochs = Math.max(...summaries.map((s) => s.metrics.length));
  const series: Array<Record<string, unknown> & { name: string }> = groupPairs([...groups.keys()])
    .map(([a, b], k) => {
      const intervals = Array.from({ length: epochs }, (_, e) =>
        pairedDifference(metricBySeed(groups.get(a)!, accuracyAfter(e)), metricBySeed(groups.get(b)!, accuracyAfter(e)), String),
      );
      return { label: `${a} − ${b} (${Math.max(...intervals.map((d) => d.n))} paired seeds)`, intervals, colour: colours[k % colours.length] };
    })
    .filter(({ intervals }) => intervals.some((d) => d.n >= 2))
    .flatMap(({ label, intervals, colour }) => bandSeries(label, colour, intervals));
  if (series.length === 0) return undefined;
  // The line of no difference, on the first mean line (a series of its own would enter the legend).
  series[2] = { ...series[2], markLine: noDifferenceLine('yAxis') };
  return {
    name: 'test-accuracy-paired-differences',
    title: 'Paired differences in test accuracy',
    caption:
      'A − B in test accuracy after each epoch, paired by seed: the mean difference (line) and its 95 % confidence interval (band, Student t); the black line is no difference. Where a band leaves 0 at the last epoch, the verdict in the table above is “A higher” or “A lower”; each epoch’s band is its own interval.',
    svg: chart({ xAxis: epochAxis(epochs), yAxis: { type: 'value', name: 'A − B (points)', scale: true }, series }),
  };
}

/** Draws a chart option at a size (the report's renderSvg; a test captures the option instead). */
type Draw = (option: Record<string, unknown>, width: number, height: number) => string;

/** A value axis's ends and step: round numbers, about five steps, wide enough for `low`–`high`. */
function roundAxis(low: number, high: number): { min: number; max: number; interval: number } {
  const range = high - low || 1;
  const power = 10 ** Math.floor(Math.log10(range / 5));
  const interval = [1, 2, 5, 10].map((m) => m * power).find((step) => range / step <= 6) ?? 10 * power;
  return { min: Math.floor(low / interval) * interval, max: Math.ceil(high / interval) * interval, interval };
}

/**
 * The verdicts as a forest plot: per comparison, the mean paired difference in test accuracy
 * after the last epoch (dot) and its 95 % interval (bar) beside the line of no difference. The
 * per-epoch curves' scale, set by the wide early epochs, hides differences of a few tenths, which
 * is where the end of training decides.
 */
export function seedVerdictFigure(summaries: TrainingSummary[], colours: readonly string[], draw: Draw): Figure | undefined {
  const groups = seedGroups(summaries);
  const rows = groupPairs([...groups.keys()])
    .map(([a, b], k) => {
      const difference = pairedDifference(metricBySeed(groups.get(a)!, finalAccuracy), metricBySeed(groups.get(b)!, finalAccuracy), (x) => `${x.toFixed(2)} points`);
      const sign = difference.mean > 0 ? '+' : '';
      // The axis label carries the numbers, so no text is drawn over the bars.
      const label = `${a} − ${b} (${difference.n} seeds)\n${sign}${difference.mean.toFixed(2)} [${difference.low.toFixed(2)}, ${difference.high.toFixed(2)}]: ${difference.verdict}`;
      return { difference, label, colour: colours[k % colours.length] };
    })
    .filter(({ difference }) => difference.n >= 2);
  if (rows.length === 0) return undefined;
  const ends = rows.flatMap(({ difference }) => [difference.low, difference.high]);
  const span = Math.max(0, ...ends) - Math.min(0, ...ends);
  const axis = roundAxis(Math.min(0, ...ends) - 0.05 * span, Math.max(0, ...ends) + 0.05 * span);
  const left = 30 + 5.2 * Math.max(...rows.flatMap(({ label }) => label.split('\n').map((line) => line.length)));
  const height = 30 + 70 * rows.length + 60;
  const option = {
    grid: { left, right: 30, top: 30, bottom: 60 },
    xAxis: { type: 'value', name: 'A − B in test accuracy after the last epoch (points)', nameLocation: 'middle', nameGap: 30, ...axis },
    yAxis: { type: 'category', inverse: true, data: rows.map(({ label }) => label), axisTick: { show: false }, axisLabel: { lineHeight: 16 } },
    series: [
      intervalBarSeries(
        rows.map(({ difference, colour }, k) => ({ at: k, low: difference.low, high: difference.high, colour })),
        'horizontal',
        2,
        6,
      ),
      {
        type: 'scatter',
        symbolSize: 10,
        data: rows.map(({ difference, colour }, k) => ({ value: [difference.mean, k], itemStyle: { color: colour } })),
        markLine: noDifferenceLine('xAxis'),
      },
    ],
  };
  return {
    name: 'test-accuracy-verdicts',
    title: 'Paired differences at the end of training',
    caption:
      'Each comparison A − B in test accuracy after the last epoch, paired by seed: the mean difference (dot) and its 95 % confidence interval (bar, Student t), with its verdict; the black line is no difference. A bar that stays off the line is “A higher” or “A lower”; one that crosses it bounds the difference there can be at this scale.',
    svg: draw(option, 1000, height),
  };
}
