/** One confidence interval to draw: where it stands (an x value, or a category row) and its ends. */
export interface IntervalBar {
  at: number;
  low: number;
  high: number;
  colour: string;
}

type RenderApi = { value: (dimension: number) => number; coord: (point: number[]) => number[] };

/**
 * Interval bars with end caps as an ECharts custom series (ECharts has no error-bar series):
 * vertical bars at x values (the depth figure), or horizontal bars on category rows (the forest plot).
 */
export function intervalBarSeries(bars: IntervalBar[], direction: 'vertical' | 'horizontal', lineWidth: number, capHalfLength: number) {
  const vertical = direction === 'vertical';
  return {
    type: 'custom' as const,
    silent: true,
    // The ends are data dimensions on the value axis, so the axis extent takes them in.
    data: bars.map(({ at, low, high }) => (vertical ? [at, low, high] : [low, high, at])),
    encode: vertical ? { x: 0, y: [1, 2] } : { x: [0, 1], y: 2 },
    renderItem: (params: { dataIndex: number }, api: RenderApi) => {
      const style = { stroke: bars[params.dataIndex].colour, lineWidth };
      const line = (x1: number, y1: number, x2: number, y2: number) => ({ type: 'line', shape: { x1, y1, x2, y2 }, style });
      if (vertical) {
        const [x, low] = api.coord([api.value(0), api.value(1)]);
        const [, high] = api.coord([api.value(0), api.value(2)]);
        const cap = (y: number) => line(x - capHalfLength, y, x + capHalfLength, y);
        return { type: 'group', children: [line(x, low, x, high), cap(low), cap(high)] };
      }
      const [low, y] = api.coord([api.value(0), api.value(2)]);
      const [high] = api.coord([api.value(1), api.value(2)]);
      const cap = (x: number) => line(x, y - capHalfLength, x, y + capHalfLength);
      return { type: 'group', children: [line(low, y, high, y), cap(low), cap(high)] };
    },
  };
}
