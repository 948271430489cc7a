import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIGURE_FONT_FILES, renderPng } from './render-png.js';

const svgWithText = (family: string, weight = 'normal') =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" style="font-family:${family};font-size:20px;font-weight:${weight}">Procrustes 0.22</text></svg>`;

describe('renderPng', () => {
  it('finds its two font files', () => {
    expect(FIGURE_FONT_FILES).toHaveLength(2);
    for (const file of FIGURE_FONT_FILES) expect(existsSync(file), file).toBe(true);
  });

  it('draws text with the bundled font, not nothing (resvg skips text whose font it cannot find)', () => {
    const blank = renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"></svg>', 200);
    expect(renderPng(svgWithText('sans-serif'), 200).equals(blank)).toBe(false);
  });

  it('draws the charts’ sans-serif as Arimo and ignores the system’s fonts, so a figure is the same on every machine', () => {
    const arimo = renderPng(svgWithText('Arimo'), 200);
    expect(renderPng(svgWithText('sans-serif'), 200).equals(arimo)).toBe(true);
    // A family the machine may have (DejaVu Serif here) falls back to Arimo too.
    expect(renderPng(svgWithText('serif'), 200).equals(arimo)).toBe(true);
    expect(renderPng(svgWithText('DejaVu Serif'), 200).equals(arimo)).toBe(true);
  });

  it('draws bold titles with the bold face', () => {
    expect(renderPng(svgWithText('sans-serif', 'bold'), 200).equals(renderPng(svgWithText('sans-serif'), 200))).toBe(false);
  });
});
