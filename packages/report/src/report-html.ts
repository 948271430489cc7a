import { heatmapFigure, ratioPerUnitFigure, spectraFigure, trainingCurvesFigure, type Figure } from './charts.js';
import type { RunRecords } from './run-records.js';

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function figuresOf(records: RunRecords): Figure[] {
  return [heatmapFigure(records), ratioPerUnitFigure(records), trainingCurvesFigure(records), spectraFigure(records)].filter((f): f is Figure => f !== undefined);
}

/** The self-contained HTML page: figures inline as SVG, a summary table, the run's configuration. */
export function reportHtml(records: RunRecords, figures: Figure[]): string {
  const last = records.metrics[records.metrics.length - 1];
  const lastProbe = records.probes[records.probes.length - 1];
  const summary: Array<[string, string]> = [
    ['model', String(records.config.model ?? '')],
    ['dataset', String(records.config.dataset ?? '')],
    ['epochs run', String(records.metrics.length)],
    ['test accuracy', last ? `${(100 * last.testAccuracy).toFixed(2)} %` : '—'],
    ['seconds per epoch', last ? (records.metrics.reduce((s, m) => s + m.seconds, 0) / records.metrics.length).toFixed(1) : '—'],
    ['δ at the last probe', lastProbe ? lastProbe.delta.toFixed(4) : '— (train with --probe-every k)'],
  ];
  const missing = [
    records.probes.length === 0 ? 'No probes were recorded (train with --probe-every k for the heatmap and per-unit ratios).' : '',
    records.spectra.length === 0 ? 'No spectra were recorded (only runs with the spectral regularizer record them).' : '',
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Procrustes report: ${escapeHtml(String(records.config.model ?? records.directory))}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
figure{margin:2rem 0} figure svg{max-width:100%;height:auto;border:1px solid #eee} figcaption{color:#555;font-size:.9rem}
table{border-collapse:collapse} td,th{padding:.2rem .8rem;border-bottom:1px solid #eee;text-align:left} pre{background:#f6f6f6;padding:1rem;overflow:auto}
</style></head><body>
<h1>${escapeHtml(String(records.config.model ?? 'run'))} on ${escapeHtml(String(records.config.dataset ?? ''))}</h1>
<p>Run directory: <code>${escapeHtml(records.directory)}</code></p>
<table>${summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${missing.map((m) => `<p><em>${escapeHtml(m)}</em></p>`).join('\n')}
${figures
  .map(
    (f) =>
      `<figure id="${f.name}" data-figure="${f.name}"><h2>${escapeHtml(f.title)}</h2>${f.svg}<figcaption>${escapeHtml(f.caption)} (<a href="${f.name}.svg">SVG</a>, <a href="${f.name}.png">PNG</a>)</figcaption></figure>`,
  )
  .join('\n')}
<h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(records.config, null, 2))}</pre>
</body></html>
`;
}
