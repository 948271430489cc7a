import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { Figure } from './charts.js';
import { readRunRecords } from './read-run-records.js';
import { figuresOf, reportHtml } from './report-html.js';

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

/** Writes each figure as `<name>.svg` and `<name>.png` into a directory; returns the SVG paths. */
export async function writeFigures(figures: Figure[], outDirectory: string): Promise<string[]> {
  await mkdir(outDirectory, { recursive: true });
  const paths: string[] = [];
  for (const figure of figures) {
    const svgPath = join(outDirectory, `${figure.name}.svg`);
    await writeAtomically(svgPath, figure.svg);
    const png = new Resvg(figure.svg, { fitTo: { mode: 'width', value: 1800 }, background: '#ffffff' }).render().asPng();
    await writeAtomically(join(outDirectory, `${figure.name}.png`), png);
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
  await writeAtomically(html, reportHtml(records, figures));
  return { html, figures: paths };
}
