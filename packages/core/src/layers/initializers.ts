import { fillNormal, fillUniform, type RandomState } from '../random.js';

/**
 * He-normal initialisation in fan-out mode (PyTorch's kaiming_normal_(mode='fan_out',
 * nonlinearity='relu')) for a [kh, kw, cin, cout] kernel: std = sqrt(2 / (kh·kw·cout)).
 */
export function heNormalFanOut(shape: readonly number[], state: RandomState): { values: Float32Array; state: RandomState } {
  return heNormal(shape, 'fan-out', 1, state);
}

/**
 * He-normal for a [kh, kw, cin, cout] kernel: std = gain·sqrt(2 / (kh·kw·fan)), fan the output
 * channels ('fan-out') or the input channels ('fan-in', Chainer's default). The draws are the
 * same for every mode and gain; only their scale differs.
 */
export function heNormal(shape: readonly number[], mode: 'fan-out' | 'fan-in', gain: number, state: RandomState): { values: Float32Array; state: RandomState } {
  if (shape.length !== 4) throw new RangeError(`heNormal expects a [kh, kw, cin, cout] shape, got [${shape}]`);
  const [kernelHeight, kernelWidth, inChannels, outChannels] = shape;
  const std = gain * Math.sqrt(2 / (kernelHeight * kernelWidth * (mode === 'fan-out' ? outChannels : inChannels)));
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  return { values, state: fillNormal(state, values, std) };
}

/**
 * Uniform in ±1/sqrt(fanIn), PyTorch's default for a linear layer's weight and bias.
 */
export function uniformFanIn(shape: readonly number[], fanIn: number, state: RandomState): { values: Float32Array; state: RandomState } {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const next = fillUniform(state, values);
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < values.length; i++) values[i] = (2 * values[i] - 1) * bound;
  return { values, state: next };
}
