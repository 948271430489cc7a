import { makeDirectory } from '@procrustes/core/node';
import { join } from 'node:path';
import { writeFileAtomically } from '@procrustes/core/node';
import { Resvg } from '@resvg/resvg-js';
import type { Figure } from './charts.js';
import { readRunRecords } from './read-run-records.js';
import { figuresOf, reportHtml } from './report-html.js';

/** Writes each figure as `<name>.svg` and `<name>.png` into a directory; returns the SVG paths. */
export async function writeFigures(figures: Figure[], outDirectory: string): Promise<string[]> {
  makeDirectory(outDirectory);
  const paths: string[] = [];
  for (const figure of figures) {
    const svgPath = join(outDirectory, `${figure.name}.svg`);
    await writeFileAtomically(svgPath, figure.svg);
    const png = new Resvg(figure.svg, { fitTo: { mode: 'width', value: 1800 }, background: '#ffffff' }).render().asPng();
    await writeFileAtomically(join(outDirectory, `${figure.name}.png`), png);
    paths.push(svgPath);
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
