import { describe, expect, it } from 'vitest';
import { learningRateAt, parseSchedule } from './schedule.js';

describe('learning-rate schedules', () => {
  it('multi-step divides at the start of each milestone epoch', () => {
    const schedule = parseSchedule('multistep', [2, 3], 0.1, 4);
    expect([0, 1, 2, 3].map((e) => learningRateAt(0.1, schedule, e, 0.5, 4))).toEqual([0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1].map((v) => expect.closeTo(v, 12)));
  });

  it('defaults to the paper proportions (½ and ¾ of training)', () => {
    expect(parseSchedule('multistep', undefined, 0.1, 300)).toEqual({ kind: 'multistep', milestones: [150, 225], gamma: 0.1 });
  });

  it('cosine goes from the base rate to zero', () => {
    expect(learningRateAt(0.2, { kind: 'cosine' }, 0, 0, 10)).toBeCloseTo(0.2);
    expect(learningRateAt(0.2, { kind: 'cosine' }, 5, 0, 10)).toBeCloseTo(0.1);
    expect(learningRateAt(0.2, { kind: 'cosine' }, 9, 0.999999, 10)).toBeCloseTo(0, 5);
  });

  it('rejects milestones outside training and unknown schedules', () => {
    expect(() => parseSchedule('multistep', [5], 0.1, 4)).toThrow(/milestone 5 must be an epoch between 1 and 3/);
    expect(() => parseSchedule('linear', undefined, 0.1, 4)).toThrow(/unknown schedule 'linear': choose one of multistep, cosine, constant/);
  });
});
