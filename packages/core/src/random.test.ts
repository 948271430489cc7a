import { describe, expect, it } from 'vitest';
import { createRandomState, fillNormal, fillUniform, randomPermutation } from './random.js';

describe('seeded generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Float64Array(5);
    const b = new Float64Array(5);
    const c = new Float64Array(5);
    fillUniform(createRandomState(7), a);
    fillUniform(createRandomState(7), b);
    fillUniform(createRandomState(8), c);
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });

  it('continues exactly from a returned state', () => {
    const whole = new Float64Array(10);
    fillUniform(createRandomState(3), whole);
    const first = new Float64Array(4);
    const rest = new Float64Array(6);
    const state = fillUniform(createRandomState(3), first);
    fillUniform(state, rest);
    expect([...first, ...rest]).toEqual([...whole]);
  });

  it('draws normals with the asked standard deviation', () => {
    const values = new Float64Array(200_000);
    fillNormal(createRandomState(1), values, 2);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.sqrt(variance)).toBeGreaterThan(1.98);
    expect(Math.sqrt(variance)).toBeLessThan(2.02);
  });

  it('permutes every index once', () => {
    const { permutation } = randomPermutation(createRandomState(5), 1000);
    expect([...permutation].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...permutation.slice(0, 10)]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
