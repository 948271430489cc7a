import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type NetworkSpec, usageError } from '@procrustes/core';

/** tfjs layer names cannot hold the weight names' slashes: `units/3/conv2` becomes `units_3_conv2`. */
export const layerNameOf = (weightPrefix: string) => weightPrefix.replaceAll('/', '_');

export interface NetworkLayersModel {
  model: tfl.LayersModel;
  /**
   * The layers whose outputs are x_0 … x_L, the inputs of the network's units and of its head
   * (pass them as `boundaries` to `gradientRatios` for the network's own units, transitions and
   * plain units included).
   */
  unitBoundaries: string[];
}

/**
 * One of this project's networks as a tfjs-layers model (topology and weights), computing what
 * `@procrustes/core`'s `forward` computes: the same convolutions with the same symmetric padding
 * (an explicit ZeroPadding2D, since tfjs's 'same' pads 0/1 at stride 2 on even sizes), batch
 * norm with ε = 1e-5 and running statistics weighted as PyTorch's momentum 0.1, ReLU, global
 * average pooling and the dense head, which outputs logits. `model.save` writes it; any
 * `tf.loadLayersModel` opens it without this package.
 */
export function networkLayersModel(spec: NetworkSpec, parameters: Readonly<Record<string, tf.Tensor>>): NetworkLayersModel {
  const weights: Array<[tfl.layers.Layer, string[]]> = [];
  const input = tfl.input({ shape: [...spec.config.inputShape], name: 'images' });
  const convolve = (x: tfl.SymbolicTensor, name: string, stride: number) => {
    const kernel = parameters[name];
    if (kernel === undefined) throw usageError(`parameter '${name}' is missing: pass the network's parameters (initializeParameters or a checkpoint's)`);
    const [kernelSize, , , filters] = kernel.shape as [number, number, number, number];
    const prefix = layerNameOf(name.replace(/\/kernel$/, ''));
    const pad = (kernelSize - 1) / 2;
    const padded = pad === 0 ? x : (tfl.layers.zeroPadding2d({ padding: pad, name: `${prefix}_pad` }).apply(x) as tfl.SymbolicTensor);
    const layer = tfl.layers.conv2d({ filters, kernelSize, strides: stride, padding: 'valid', useBias: false, name: prefix });
    weights.push([layer, [name]]);
    return layer.apply(padded) as tfl.SymbolicTensor;
  };
  const preActivation = (x: tfl.SymbolicTensor, prefix: string) => {
    const layer = tfl.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9, name: layerNameOf(prefix) });
    weights.push([layer, ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => `${prefix}/${w}`)]);
    return tfl.layers.reLU({ name: `${layerNameOf(prefix)}_relu` }).apply(layer.apply(x)) as tfl.SymbolicTensor;
  };
  let h = convolve(input, spec.stem.convolution.name, 1);
  if (spec.stem.batchNorm) h = preActivation(h, 'stem/bn');
  const unitBoundaries = [h.sourceLayer.name];
  for (const unit of spec.units) {
    const x = h;
    if (unit.kind === 'transition') {
      h = convolve(x, unit.convolutions[0]!.name, unit.convolutions[0]!.stride);
    } else {
      for (const [k, conv] of unit.convolutions.entries()) h = convolve(preActivation(h, `${unit.prefix}/bn${k + 1}`), conv.name, conv.stride);
      const shortcut =
        unit.shortcut === 'identity'
          ? x
          : unit.shortcut === 'projection'
            ? convolve(preActivation(x, `${unit.prefix}/shortcut/bn`), unit.shortcutConvolution!.name, unit.shortcutConvolution!.stride)
            : undefined;
      if (shortcut !== undefined) h = tfl.layers.add({ name: `${layerNameOf(unit.prefix)}_add` }).apply([h, shortcut]) as tfl.SymbolicTensor;
    }
    unitBoundaries.push(h.sourceLayer.name);
  }
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'head_pool' }).apply(preActivation(h, 'head/bn')) as tfl.SymbolicTensor;
  const head = tfl.layers.dense({ units: spec.head.classes, name: 'head_fc' });
  weights.push([head, ['head/fc/kernel', 'head/fc/bias']]);
  const model = tfl.model({ inputs: input, outputs: head.apply(pooled) as tfl.SymbolicTensor, name: spec.name });
  for (const [layer, names] of weights) {
    layer.setWeights(
      names.map((name) => {
        const value = parameters[name];
        if (value === undefined) throw usageError(`parameter '${name}' is missing: pass the network's parameters (initializeParameters or a checkpoint's)`);
        return value;
      }),
    );
  }
  return { model, unitBoundaries };
}
