import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { usageError } from '@procrustes/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

type Layer = tfl.layers.Layer;

/** A layer's own options (name, inputShape, …), the wrapped Conv2D and the power iteration's steps. */
export interface SpectralNormalizationOptions extends LayerArgs {
  /** The Conv2D layer whose kernel is divided by its operator norm (the input size is the one this layer is built with). */
  layer: Layer;
  /** Power-iteration steps per training call (default 1; the vector persists across calls, as in Miyato et al.). */
  iterations?: number;
}

interface ConvConfig {
  strides: number | number[];
  padding: 'same' | 'valid';
  dataFormat?: string;
  dilationRate?: number | number[];
  activation?: string;
  useBias?: boolean;
}

/**
 * Divides the wrapped Conv2D's kernel by the largest singular value of the convolution operator
 * the layer computes (tfjs's padding, asymmetric 'same' included, and strides) — not of the kernel
 * reshaped to a matrix, as Keras's SpectralNormalization and PyTorch's spectral_norm do, which
 * can be off by a factor up to the kernel size. The norm is estimated by power iteration on the
 * operator itself (the convolution and its transpose) with a persistent vector the size of the
 * layer's input, one step per training call: σ = ‖A_W u‖ with u the current estimate of the top
 * right singular vector, held fixed in the gradient (Miyato et al.). In inference the stored
 * vector is used without a step. The wrapped layer keeps the raw kernel (as PyTorch's
 * parametrisation); serializable.
 */
export class SpectralNormalization extends tfl.layers.Layer {
  static readonly className = 'SpectralNormalization';
  readonly layer: Layer;
  readonly iterations: number;
  private vector: LayerVariable | undefined;
  private activationLayer: Layer | undefined;

  constructor(options: SpectralNormalizationOptions) {
    const { layer, iterations, ...layerArgs } = options;
    super(layerArgs);
    if (layer === undefined || layer.getClassName() !== 'Conv2D') {
      throw usageError(`spectralNormalization wraps a Conv2D layer, got ${layer === undefined ? 'none' : layer.getClassName()}`);
    }
    const config = layer.getConfig() as unknown as ConvConfig;
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') throw usageError('spectralNormalization supports channelsLast convolutions');
    if ([config.dilationRate ?? 1].flat().some((d) => d !== 1)) throw usageError('spectralNormalization supports undilated convolutions');
    this.layer = layer;
    this.iterations = iterations ?? 1;
    if (!(Number.isInteger(this.iterations) && this.iterations >= 1)) throw usageError(`spectralNormalization: iterations must be a positive integer, got ${iterations}`);
  }

  private get convolution(): ConvConfig {
    return this.layer.getConfig() as unknown as ConvConfig;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [height, width, channels] = shape.slice(1);
    if (typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
      throw usageError(`spectralNormalization needs the input's height, width and channels, got [${shape}]: give the model a fixed input size`);
    }
    if (!this.layer.built) this.layer.build(shape);
    this.vector = this.addWeight('power_iteration_vector', [1, height, width, channels], 'float32', tfl.initializers.randomNormal({ seed: 0 }), undefined, false);
    const activation = this.convolution.activation;
    this.activationLayer = activation !== undefined && activation !== 'linear' ? tfl.layers.activation({ activation: activation as never }) : undefined;
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    return this.layer?.trainableWeights ?? [];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return [...(this.layer?.nonTrainableWeights ?? []), ...(this.vector === undefined ? [] : [this.vector])];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  /** The operator A_W: the convolution as the wrapped layer computes it, without bias. */
  private operator(x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
    const { strides, padding } = this.convolution;
    return tf.conv2d(x, kernel, strides as [number, number], padding);
  }

  /** Power-iteration steps from the stored vector; the new unit vector is stored and returned as a fresh read (no gradient flows through it). */
  private step(kernel: tf.Tensor4D): tf.Tensor4D {
    const vector = this.vector!;
    const next = tf.tidy(() => {
      let u = vector.read() as tf.Tensor4D;
      for (let i = 0; i < this.iterations; i++) {
        const image = this.operator(u, kernel);
        const back = tf.conv2dTranspose(image, kernel, u.shape as [number, number, number, number], this.convolution.strides as [number, number], this.convolution.padding);
        u = tf.div(back, tf.add(tf.norm(back), 1e-12));
      }
      return u;
    });
    vector.write(next);
    next.dispose();
    return vector.read() as tf.Tensor4D;
  }

  /** The current estimate of the operator norm of the wrapped kernel. */
  async operatorNorm(): Promise<number> {
    const norm = tf.tidy(() => tf.norm(this.operator(this.vector!.read() as tf.Tensor4D, this.layer.getWeights()[0] as tf.Tensor4D)));
    const value = (await norm.data())[0]!;
    norm.dispose();
    return value;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const [kernel, bias] = this.layer.trainableWeights.map((variable) => variable.read());
    const u = kwargs?.training === true ? this.step(kernel as tf.Tensor4D) : (this.vector!.read() as tf.Tensor4D);
    return tf.tidy(() => {
      const sigma = tf.norm(this.operator(u, kernel as tf.Tensor4D));
      let y: tf.Tensor = this.operator(x, tf.div(kernel!, sigma) as tf.Tensor4D);
      if (bias !== undefined) y = tf.add(y, bias);
      return this.activationLayer === undefined ? y : (this.activationLayer.apply(y) as tf.Tensor);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), layer: { className: this.layer.getClassName(), config: this.layer.getConfig() }, iterations: this.iterations };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { layer, ...rest } = config as { layer: { className: string; config: tf.serialization.ConfigDict } } & tf.serialization.ConfigDict;
    const registered = tf.serialization.SerializationMap.getMap().classNameMap[layer.className];
    if (registered === undefined) throw usageError(`spectralNormalization: unknown wrapped layer class '${layer.className}'`);
    const [layerClass, fromConfig] = registered;
    return new cls({ ...rest, layer: fromConfig(layerClass, layer.config) });
  }
}
tf.serialization.registerClass(SpectralNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>, 'Procrustes');

/** Wraps a Conv2D so that its kernel is divided by the exact operator norm's power-iteration estimate (see `SpectralNormalization`). */
export function spectralNormalization(options: SpectralNormalizationOptions): SpectralNormalization {
  return new SpectralNormalization(options);
}
