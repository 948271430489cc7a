import { describe, expect, it } from 'vitest';
import { parseRecordStream, recordLines } from './record-stream.js';

describe('record streams (JSON Lines)', () => {
  it('round-trips records, one a line, each line ended', () => {
    const records = [
      { step: 0, loss: 2.3 },
      { step: 1, loss: Number.NaN },
    ];
    const text = recordLines(records);
    expect(text).toBe('{"step":0,"loss":2.3}\n{"step":1,"loss":null}\n');
    expect(parseRecordStream(text)).toEqual([
      { step: 0, loss: 2.3 },
      { step: 1, loss: null },
    ]);
    expect(recordLines([])).toBe('');
  });

  it('leaves out a last line cut short by a kill, and refuses damage before it, naming the line', () => {
    expect(parseRecordStream('{"a":1}\n{"a":2}\n{"a":')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseRecordStream('{"a":1}\n{"a":\n\n')).toEqual([{ a: 1 }]);
    expect(() => parseRecordStream('{"a":1}\n{"a":\n{"a":3}\n', 'run/metrics.jsonl')).toThrow(/run\/metrics\.jsonl: line 2 is not JSON .*restore the file/);
  });
});
