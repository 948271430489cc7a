import { describe, expect, it } from 'vitest';
import { numberClassesInOrder, renderSvg } from './charts.js';

describe('renderSvg', () => {
  it('gives the same file for the same figure whatever was drawn before it', () => {
    const option = {
      xAxis: { type: 'value' as const },
      yAxis: { type: 'value' as const },
      series: [
        {
          type: 'line' as const,
          data: [
            [0, 1],
            [1, 3],
          ],
        },
      ],
    };
    const first = renderSvg(option);
    renderSvg({
      ...option,
      series: [
        {
          type: 'line' as const,
          data: [
            [0, 2],
            [1, 5],
            [2, 1],
          ],
        },
      ],
    });
    expect(renderSvg(option)).toBe(first);
    expect(first).toMatch(/"zr-cls-0"/);
  });

  it('numbers the style classes and clip paths in order of first appearance', () => {
    expect(numberClassesInOrder('<a class="zr4-cls-322"/><b class="zr4-cls-17" clip-path="url(#zr4-c3)"/><c class="zr4-cls-322"/>')).toBe(
      '<a class="zr-cls-0"/><b class="zr-cls-1" clip-path="url(#zr-c2)"/><c class="zr-cls-0"/>',
    );
  });
});
