import jstat from 'jstat';

/** Mean, standard deviation and 95 % confidence interval (Student's t) of values over seeds. */
export interface SeedInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); NaN for one value. */
  sd: number;
  /** Half the width of the 95 % interval of the mean; NaN for one value. */
  halfWidth: number;
  low: number;
  high: number;
}

export function seedInterval(values: number[], level = 0.95): SeedInterval {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? Number.NaN : Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const halfWidth = n < 2 ? Number.NaN : jstat.jStat.studentt.inv((1 + level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}

/** The difference A − B of a metric over the seeds both arms ran, and what its interval decides. */
export interface PairedDifference extends SeedInterval {
  seeds: number[];
  verdict: string;
}

/**
 * Paired by seed (the same initialisation seed, data order and augmentation in both arms): the
 * interval of the mean difference, and its verdict — higher, lower, or no difference larger than
 * the interval's reach at this scale.
 */
export function pairedDifference(a: Map<number, number>, b: Map<number, number>, format: (x: number) => string): PairedDifference {
  const seeds = [...a.keys()].filter((s) => b.has(s) && Number.isFinite(a.get(s)) && Number.isFinite(b.get(s))).sort((x, y) => x - y);
  const interval = seedInterval(seeds.map((s) => a.get(s)! - b.get(s)!));
  let verdict: string;
  if (interval.n < 2) verdict = `not decided: ${interval.n} paired seed${interval.n === 1 ? '' : 's'}`;
  else if (interval.low > 0) verdict = 'A higher';
  else if (interval.high < 0) verdict = 'A lower';
  else verdict = `no difference larger than ${format(Math.max(Math.abs(interval.low), Math.abs(interval.high)))} at this scale`;
  return { ...interval, seeds, verdict };
}
