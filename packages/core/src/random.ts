/**
 * A small seeded generator with explicit state: every function takes a state and returns the
 * next one, so a training run can checkpoint and restore its exact position.
 * The state is a 32-bit counter mixed by a strong 32-bit hash (splitmix-style).
 */
export type RandomState = number;

const GOLDEN_GAMMA = 0x9e3779b9;

export function createRandomState(seed: number): RandomState {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`seed must be an integer, got ${seed}`);
  }
  return mix32(seed >>> 0) >>> 0;
}

function mix32(value: number): number {
  let z = value | 0;
  z ^= z >>> 16;
  z = Math.imul(z, 0x21f0aaad);
  z ^= z >>> 15;
  z = Math.imul(z, 0x735a2d97);
  z ^= z >>> 15;
  return z >>> 0;
}

/** Fills `out` with uniform numbers in [0, 1) and returns the next state. */
export function fillUniform(state: RandomState, out: Float32Array | Float64Array): RandomState {
  let s = state >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + GOLDEN_GAMMA) >>> 0;
    out[i] = mix32(s) / 4294967296;
  }
  return s;
}

/** Fills `out` with normal numbers of mean 0 and the given standard deviation (Box–Muller). */
export function fillNormal(state: RandomState, out: Float32Array | Float64Array, std = 1): RandomState {
  let s = state >>> 0;
  for (let i = 0; i < out.length; i += 2) {
    s = (s + GOLDEN_GAMMA) >>> 0;
    const u1 = (mix32(s) + 1) / 4294967297; // in (0, 1): log is finite
    s = (s + GOLDEN_GAMMA) >>> 0;
    const u2 = mix32(s) / 4294967296;
    const radius = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return s;
}

/** A uniform integer in [0, n) and the next state. */
export function randomInteger(state: RandomState, n: number): { value: number; state: RandomState } {
  const s = (state + GOLDEN_GAMMA) >>> 0;
  return { value: Math.floor((mix32(s) / 4294967296) * n), state: s };
}

/** A seeded Fisher–Yates permutation of 0..n-1 and the next state. */
export function randomPermutation(state: RandomState, n: number): { permutation: Uint32Array; state: RandomState } {
  const permutation = new Uint32Array(n);
  for (let i = 0; i < n; i++) permutation[i] = i;
  let s = state;
  for (let i = n - 1; i > 0; i--) {
    const drawn = randomInteger(s, i + 1);
    s = drawn.state;
    const j = drawn.value;
    const t = permutation[i];
    permutation[i] = permutation[j];
    permutation[j] = t;
  }
  return { permutation, state: s };
}
