import { conv2dOutputSize } from '../layers/conv2d.js';
import { usageError } from '../errors.js';
import { networkDepth } from './depth.js';
import {
  BLOCK_KINDS,
  FAMILIES,
  INITIALIZATIONS,
  type ConvolutionSpec,
  type NetworkConfig,
  type NetworkSpec,
  type ParameterSpec,
  type ResolvedNetworkConfig,
  type UnitSpec,
} from './spec.js';

function checkPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value <= 0) throw usageError(`${what} must be a positive integer, got ${value}`);
}

export function resolveNetworkConfig(config: NetworkConfig): ResolvedNetworkConfig {
  if (!FAMILIES.includes(config.family)) {
    throw usageError(`unknown family '${config.family}': choose one of ${FAMILIES.join(', ')}`);
  }
  if (!BLOCK_KINDS.includes(config.block)) {
    throw usageError(`unknown block '${config.block}': choose one of ${BLOCK_KINDS.join(', ')}`);
  }
  const resolved: ResolvedNetworkConfig = {
    family: config.family,
    block: config.block,
    n: config.n,
    width: config.width ?? 16,
    inputShape: config.inputShape ?? [32, 32, 3],
    classes: config.classes ?? 10,
    ...(config.initialization !== undefined ? { initialization: config.initialization } : {}),
  };
  if (resolved.initialization !== undefined && !INITIALIZATIONS.includes(resolved.initialization))
    throw usageError(`unknown initialization '${resolved.initialization}': choose one of ${INITIALIZATIONS.join(', ')}`);
  checkPositiveInteger(resolved.n, 'n (units per stage)');
  checkPositiveInteger(resolved.width, 'width');
  checkPositiveInteger(resolved.classes, 'classes');
  if (resolved.inputShape.length !== 3) {
    throw usageError(`inputShape must be [height, width, channels], got [${resolved.inputShape}]`);
  }
  resolved.inputShape.forEach((v, i) => {
    checkPositiveInteger(v, `inputShape[${i}]`);
  });
  if (resolved.classes < 2) throw usageError(`classes must be at least 2, got ${resolved.classes}`);
  return resolved;
}

/**
 * The exact graph of ARCHITECTURES.md as data: units, convolutions with their sizes, and every
 * parameter with its weight name. Creates no tensors.
 */
export function buildNetworkSpec(config: NetworkConfig): NetworkSpec {
  const c = resolveNetworkConfig(config);
  const expansion = c.block === 'bottleneck' ? 4 : 1;
  const mids = [c.width, 2 * c.width, 4 * c.width];
  const outs = mids.map((m) => m * expansion);
  const parameters: ParameterSpec[] = [];
  const units: UnitSpec[] = [];

  const addConvolution = (name: string, kernelSize: number, stride: number, inChannels: number, outChannels: number, inputSize: [number, number]): ConvolutionSpec => {
    const outputSize: [number, number] = [conv2dOutputSize(inputSize[0], kernelSize, stride), conv2dOutputSize(inputSize[1], kernelSize, stride)];
    parameters.push({ name, shape: [kernelSize, kernelSize, inChannels, outChannels], trainable: true, initializer: 'he-normal' });
    return { name, kernelSize, stride, inChannels, outChannels, inputSize, outputSize };
  };
  const addBatchNorm = (prefix: string, channels: number): void => {
    parameters.push(
      { name: `${prefix}/gamma`, shape: [channels], trainable: true, initializer: 'ones' },
      { name: `${prefix}/beta`, shape: [channels], trainable: true, initializer: 'zeros' },
      { name: `${prefix}/moving_mean`, shape: [channels], trainable: false, initializer: 'zeros' },
      { name: `${prefix}/moving_variance`, shape: [channels], trainable: false, initializer: 'ones' },
    );
  };

  const addResidualUnit = (inChannels: number, stage: number, stride: number, size: [number, number]): UnitSpec => {
    const index = units.length;
    const prefix = `units/${index}`;
    const mid = mids[stage];
    const out = outs[stage];
    const kind = c.family === 'plain' ? 'plain' : 'residual';
    const layout: Array<[number, number, number]> =
      c.block === 'basic'
        ? [
            [3, stride, mid],
            [3, 1, mid],
          ]
        : [
            [1, 1, mid],
            [3, stride, mid],
            [1, 1, out],
          ];
    const convolutions: ConvolutionSpec[] = [];
    let channels = inChannels;
    let current = size;
    layout.forEach(([kernelSize, s, outChannels], k) => {
      addBatchNorm(`${prefix}/bn${k + 1}`, channels);
      const conv = addConvolution(`${prefix}/conv${k + 1}/kernel`, kernelSize, s, channels, outChannels, current);
      convolutions.push(conv);
      channels = outChannels;
      current = conv.outputSize;
    });
    let shortcut: UnitSpec['shortcut'] = 'none';
    let shortcutConvolution: ConvolutionSpec | undefined;
    if (kind === 'residual') {
      if (stride !== 1 || inChannels !== out) {
        shortcut = 'projection';
        addBatchNorm(`${prefix}/shortcut/bn`, inChannels);
        shortcutConvolution = addConvolution(`${prefix}/shortcut/conv/kernel`, 1, stride, inChannels, out, size);
      } else {
        shortcut = 'identity';
      }
    }
    return {
      index,
      kind,
      prefix,
      block: c.block,
      inChannels,
      midChannels: mid,
      outChannels: out,
      stride,
      inputSize: size,
      outputSize: current,
      shortcut,
      convolutions,
      shortcutConvolution,
    };
  };

  const [height, width, inChannels] = c.inputShape;
  let size: [number, number] = [height, width];
  let channels: number;
  let stem: NetworkSpec['stem'];
  const spectralTargets: ConvolutionSpec[] = [];

  if (c.family === 'procresnet') {
    const convolution = addConvolution('stem/conv/kernel', 3, 1, inChannels, outs[0], size);
    stem = { convolution, batchNorm: false };
    spectralTargets.push(convolution);
    channels = outs[0];
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        const index = units.length;
        const prefix = `units/${index}`;
        const conv = addConvolution(`${prefix}/conv/kernel`, 1, 2, channels, outs[stage], size);
        units.push({
          index,
          kind: 'transition',
          prefix,
          inChannels: channels,
          midChannels: outs[stage],
          outChannels: outs[stage],
          stride: 2,
          inputSize: size,
          outputSize: conv.outputSize,
          shortcut: 'none',
          convolutions: [conv],
        });
        spectralTargets.push(conv);
        channels = outs[stage];
        size = conv.outputSize;
      }
      for (let b = 0; b < c.n; b++) {
        const unit = addResidualUnit(channels, stage, 1, size);
        units.push(unit);
        channels = unit.outChannels;
        size = unit.outputSize;
      }
    }
  } else {
    const convolution = addConvolution('stem/conv/kernel', 3, 1, inChannels, c.width, size);
    addBatchNorm('stem/bn', c.width);
    stem = { convolution, batchNorm: true };
    channels = c.width;
    for (let stage = 0; stage < 3; stage++) {
      for (let b = 0; b < c.n; b++) {
        const stride = stage > 0 && b === 0 ? 2 : 1;
        const unit = addResidualUnit(channels, stage, stride, size);
        units.push(unit);
        channels = unit.outChannels;
        size = unit.outputSize;
      }
    }
  }

  addBatchNorm('head/bn', channels);
  parameters.push(
    { name: 'head/fc/kernel', shape: [channels, c.classes], trainable: true, initializer: 'dense-uniform', fanIn: channels },
    { name: 'head/fc/bias', shape: [c.classes], trainable: true, initializer: 'dense-uniform', fanIn: channels },
  );

  const depth = networkDepth(c.family, c.block, c.n);
  return {
    config: c,
    depth,
    name: `${c.family}-${depth}`,
    stem,
    units,
    head: { channels, classes: c.classes },
    parameters,
    spectralTargets,
  };
}

/** Number of trainable scalars (what the paper and the PyTorch peer count). */
export function countTrainableParameters(spec: NetworkSpec): number {
  return spec.parameters.filter((p) => p.trainable).reduce((total, p) => total + p.shape.reduce((a, b) => a * b, 1), 0);
}
