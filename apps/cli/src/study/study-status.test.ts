import { describe, expect, it } from 'vitest';
import type { StudyDefinition } from './definition.js';
import { type RunStatus, studyStatusLines, studyTimeLeft } from './study-status.js';
import type { RunSummary } from './summaries.js';

const trained = (seconds: number[]) => ({ kind: 'train', metrics: seconds.map((s, e) => ({ epoch: e + 1, seconds: s, testAccuracy: 0.9 })) }) as unknown as RunSummary;
const probed = (seconds: number) => ({ kind: 'initialization', seconds }) as unknown as RunSummary;

const statuses: RunStatus[] = [
  { run: 'a-seed0', model: 'resnet-8', kind: 'train', state: 'summarised', epochs: 3, epochsDone: 3, summary: trained([100, 110, 120]), detail: 'done' },
  { run: 'a-seed1', model: 'resnet-8', kind: 'train', state: 'summarised', epochs: 3, epochsDone: 3, summary: trained([130, 130, 130]), detail: 'done' },
  { run: 'a-seed2', model: 'resnet-8', kind: 'train', state: 'stopped', epochs: 3, epochsDone: 1, detail: '1 of 3 epochs' },
  { run: 'a-seed3', model: 'resnet-8', kind: 'train', state: 'not started', epochs: 3, epochsDone: 0, detail: '' },
  { run: 'b-seed0', model: 'plain-8', kind: 'train', state: 'running', epochs: 3, epochsDone: 2, detail: '2 of 3 epochs' },
  { run: 'c-seed0', model: 'plain-8', kind: 'train', state: 'stopped', epochs: 3, epochsDone: 3, detail: 'trained' },
  { run: 'init-8', model: 'resnet-8', kind: 'initialization', state: 'summarised', summary: probed(4), detail: 'probed' },
  { run: 'init-14', model: 'resnet-8', kind: 'initialization', state: 'not started', detail: '' },
];
const study = { name: 'tiny', version: 2 } as StudyDefinition;

describe('studyTimeLeft', () => {
  it('times the epochs left by the mean seconds per epoch of the summarised runs of the same model, and names what it cannot time', () => {
    const left = studyTimeLeft(statuses);
    // resnet-8: runs at 110 and 130 s per epoch, mean 120; 2 + 3 epochs left. A probe of resnet-8 at 4 s.
    expect(left.timed).toEqual([
      { model: 'resnet-8', kind: 'train', left: 5, secondsEach: 120 },
      { model: 'resnet-8', kind: 'initialization', left: 1, secondsEach: 4 },
    ]);
    expect(left.seconds).toBe(5 * 120 + 4);
    // plain-8: one epoch left of the running run, none of the trained one; no summarised plain-8.
    expect(left.untimed).toEqual([{ model: 'plain-8', kind: 'train', left: 1 }]);
  });

  it('says when nothing is left', () => {
    expect(studyStatusLines(study, statuses.slice(0, 2)).at(-1)).toBe('left: nothing; every run is summarised');
    expect(studyStatusLines(study, [statuses[5]]).at(-1)).toBe('left: only summaries to write (run the study again)');
  });
});

describe('studyStatusLines', () => {
  it('counts the states, shows a row per run and the time left', () => {
    const lines = studyStatusLines(study, statuses);
    expect(lines[0]).toBe('study tiny (version 2): 8 runs; 3 summarised, 1 running, 2 stopped, 2 not started');
    expect(lines[1]).toBe('  a-seed0  summarised   done');
    expect(lines[4]).toBe('  a-seed3  not started');
    expect(lines.at(-2)).toBe('left: about 10 min at the pace of the summarised runs (resnet-8: 5 epochs at 120 s; resnet-8: 1 probe at 4 s), on the machine that ran them');
    expect(lines.at(-1)).toBe('and, untimed: plain-8: 1 epoch (no summarised run of that model to time them by)');
  });
});
