import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumSkipReason, launchChromium } from '@procrustes/browser-test-support';
import { writeRunReport } from './write-report.js';

/** A run directory with every record kind, as training with probes and the regularizer writes it. */
function syntheticRun(): string {
  const directory = mkdtempSync(join(tmpdir(), 'report-run-'));
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'config.json'), JSON.stringify({ model: 'procresnet-10', dataset: 'fashion-mnist-subset' }));
  const kinds = ['residual', 'transition', 'residual', 'transition', 'residual'];
  writeFileSync(
    join(directory, 'metrics.jsonl'),
    `${[1, 2, 3]
      .map((e) =>
        JSON.stringify({ epoch: e, learningRate: 0.1, trainLoss: 2 / e, trainAccuracy: 0.3 * e, testLoss: 2.1 / e, testAccuracy: 0.28 * e, seconds: 10, imagesPerSecond: 100 }),
      )
      .join('\n')}\n`,
  );
  writeFileSync(
    join(directory, 'probes.jsonl'),
    `${[0, 5, 10, 15]
      .map((step) =>
        JSON.stringify({
          step,
          epoch: Math.floor(step / 6),
          loss: 2,
          delta: 0.4,
          units: kinds.map((kind, index) => ({ index, kind, ratioMean: 1 + 0.1 * index - step / 100, median: 1, p5: 0.9, p95: 1.1, delta: 0.2, forwardMean: 1 })),
        }),
      )
      .join('\n')}\n{"truncated`,
  );
  writeFileSync(
    join(directory, 'spectra.jsonl'),
    `${[0, 1, 2]
      .map((epoch) => JSON.stringify({ epoch, step: 6 * epoch, targets: [{ name: 'stem/conv/kernel', largest: 3 - epoch * 0.2, smallest: 2 + epoch * 0.2, target: 2.8 }] }))
      .join('\n')}\n`,
  );
  return directory;
}

describe('the HTML report in a real headless browser', () => {
  it('writes every figure as SVG and PNG, even past a line cut short by a crash', async () => {
    const { figures } = await writeRunReport(syntheticRun());
    expect(figures.map((f) => f.split('/').pop())).toEqual(['gradient-ratio-heatmap.svg', 'ratio-per-unit.svg', 'training-curves.svg', 'spectra.svg']);
    for (const f of figures) expect(existsSync(f.replace(/\.svg$/, '.png'))).toBe(true);
  });

  const skipped = chromiumSkipReason();
  it.skipIf(skipped !== '')(
    `loads without errors and shows every figure (Debian chromium via playwright-core)${skipped}`,
    async () => {
      const { html } = await writeRunReport(syntheticRun());
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        const errors: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(pathToFileURL(html).href);
        const figures = await page.$$eval('figure[data-figure]', (nodes) =>
          nodes.map((n) => {
            const svg = n.querySelector('svg');
            const box = svg?.getBoundingClientRect();
            return { name: n.getAttribute('data-figure'), width: box?.width ?? 0, height: box?.height ?? 0, shapes: svg?.querySelectorAll('path, rect').length ?? 0 };
          }),
        );
        expect(figures.map((f) => f.name)).toEqual(['gradient-ratio-heatmap', 'ratio-per-unit', 'training-curves', 'spectra']);
        for (const f of figures) {
          expect(f.width, f.name!).toBeGreaterThan(300);
          expect(f.height, f.name!).toBeGreaterThan(150);
          expect(f.shapes, f.name!).toBeGreaterThan(5);
        }
        expect(errors).toEqual([]);
        await page.screenshot({ path: join(html, '..', 'screenshot.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
