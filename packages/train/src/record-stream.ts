// JSON Lines, the format of every record stream of a run (metrics.jsonl, probes.jsonl, …).

/** Records as JSON Lines: one JSON object a line, each line ended. */
export const recordLines = (records: readonly object[]): string => records.map((record) => `${JSON.stringify(record)}\n`).join('');

/**
 * Parses a record stream. A last line cut short (a kill while it was appended; the trainer cuts
 * such a tail on resume) is left out, so a running or killed run still reads; a line before it
 * that does not parse is damage, and is refused naming the file and line.
 */
export function parseRecordStream<T>(text: string, file = 'records'): T[] {
  const lines = text.split('\n');
  const records: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      const last = lines.slice(i + 1).every((rest) => rest.trim().length === 0);
      if (!last) throw new Error(`${file}: line ${i + 1} is not JSON (${(error as Error).message}); only a last line cut short is skipped: restore the file`);
    }
  });
  return records;
}
