import { makeDirectory } from '@procrustes/core/node';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '@procrustes/core/node';
import type { Figure } from './charts.js';
import { readRunRecords } from './read-run-records.js';
import { renderPng } from './render-png.js';
import { figuresOf, reportHtml } from './report-html.js';

/**
 * Writes each figure as `<name>.png` and, unless its SVG is larger than `svgLimitBytes`, as
 * `<name>.svg` (a heatmap of seven 1000-block runs is 6 MB of SVG against 0.5 MB of PNG); returns
 * the paths written, SVG where there is one. A stale SVG of a figure now over the limit is removed.
 */
export async function writeFigures(figures: Figure[], outDirectory: string, options: { svgLimitBytes?: number } = {}): Promise<string[]> {
  makeDirectory(outDirectory);
  const limit = options.svgLimitBytes ?? Number.POSITIVE_INFINITY;
  const paths: string[] = [];
  for (const figure of figures) {
    const svgPath = join(outDirectory, `${figure.name}.svg`);
    const pngPath = join(outDirectory, `${figure.name}.png`);
    const png = renderPng(figure.svg);
    await writeFileAtomically(pngPath, png);
    if (Buffer.byteLength(figure.svg) > limit) {
      rmSync(svgPath, { force: true });
      paths.push(pngPath);
    } else {
      await writeFileAtomically(svgPath, figure.svg);
      paths.push(svgPath);
    }
  }
  return paths;
}

/** Writes `<run>/report/index.html` plus each figure as SVG and PNG; returns the paths. */
export async function writeRunReport(runDirectory: string, outDirectory = join(runDirectory, 'report')): Promise<{ html: string; figures: string[] }> {
  const records = readRunRecords(runDirectory);
  const figures = figuresOf(records);
  const paths = await writeFigures(figures, outDirectory);
  const html = join(outDirectory, 'index.html');
  await writeFileAtomically(html, reportHtml(records, figures));
  return { html, figures: paths };
}
