/** A fraction as a percentage with two decimals, as the run and study tables show accuracies. */
export const percentText = (x: number) => `${(100 * x).toFixed(2)} %`;

/** A plain aligned text table (no colour, so it reads the same in logs and terminals). */
export function formatTable(header: string[], rows: string[][], rightAligned: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
