import { describe, expect, it } from 'vitest';
import { intervalBarSeries } from './interval-bars.js';

// A coordinate system that doubles x and negates y, so a swapped or dropped coordinate shows.
const api = (value: number[]) => ({ value: (dimension: number) => value[dimension], coord: ([x, y]: number[]) => [2 * x, -y] });

const shapes = (group: unknown) => (group as { children: Array<{ shape: Record<string, number>; style: { stroke: string; lineWidth: number } }> }).children;

describe('intervalBarSeries', () => {
  it('draws a vertical bar from low to high at its x, capped at both ends', () => {
    const series = intervalBarSeries([{ at: 3, low: 1, high: 5, colour: '#123456' }], 'vertical', 1.5, 4);
    expect(series.data).toEqual([[3, 1, 5]]);
    expect(series.encode).toEqual({ x: 0, y: [1, 2] });
    const [bar, lowCap, highCap] = shapes(series.renderItem({ dataIndex: 0 }, api(series.data[0])));
    expect(bar.shape).toEqual({ x1: 6, y1: -1, x2: 6, y2: -5 });
    expect(lowCap.shape).toEqual({ x1: 2, y1: -1, x2: 10, y2: -1 });
    expect(highCap.shape).toEqual({ x1: 2, y1: -5, x2: 10, y2: -5 });
    expect(bar.style).toEqual({ stroke: '#123456', lineWidth: 1.5 });
  });

  it('draws a horizontal bar on its row in that row’s colour, capped across it', () => {
    const bars = [
      { at: 0, low: -1, high: 2, colour: '#aa0000' },
      { at: 1, low: 0.5, high: 3, colour: '#00aa00' },
    ];
    const series = intervalBarSeries(bars, 'horizontal', 2, 6);
    expect(series.data).toEqual([
      [-1, 2, 0],
      [0.5, 3, 1],
    ]);
    expect(series.encode).toEqual({ x: [0, 1], y: 2 });
    const [bar, lowCap, highCap] = shapes(series.renderItem({ dataIndex: 1 }, api(series.data[1])));
    expect(bar.shape).toEqual({ x1: 1, y1: -1, x2: 6, y2: -1 });
    expect(lowCap.shape).toEqual({ x1: 1, y1: -7, x2: 1, y2: 5 });
    expect(highCap.shape).toEqual({ x1: 6, y1: -7, x2: 6, y2: 5 });
    expect(bar.style).toEqual({ stroke: '#00aa00', lineWidth: 2 });
  });
});
