import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFigures } from './write-report.js';

const svg = (padding: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#3366cc"/><!--${'x'.repeat(padding)}--></svg>`;

describe('writeFigures', () => {
  it('writes SVG and PNG, and only the PNG of a figure whose SVG is over the limit (removing a stale SVG)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'figures-'));
    writeFileSync(join(out, 'large.svg'), 'stale');
    const paths = await writeFigures(
      [
        { name: 'small', title: 'small', caption: '', svg: svg(10) },
        { name: 'large', title: 'large', caption: '', svg: svg(5000) },
      ],
      out,
      { svgLimitBytes: 1000 },
    );
    expect(paths).toEqual([join(out, 'small.svg'), join(out, 'large.png')]);
    expect(existsSync(join(out, 'small.png'))).toBe(true);
    expect(existsSync(join(out, 'large.png'))).toBe(true);
    expect(existsSync(join(out, 'large.svg'))).toBe(false);
  });
});
