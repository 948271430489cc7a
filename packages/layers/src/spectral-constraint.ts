import * as tf from '@tensorflow/tfjs-core';
import { usageError } from '@procrustes/core';
import { projectKernelRepeated, projectMatrixSpectrum, type SpectrumTarget } from '@procrustes/spectral';
import { type ConvGeometry, checkGeometry, circularGridSize } from './conv-geometry.js';
import { ConstraintBase } from './tfjs-internals.js';

export interface SpectralConstraintOptions {
  /** The Conv2D layer's input height and width (a number for both); taken from the layer when bound. */
  inputSize?: number | [number, number];
  /**
   * The layer's strides and padding; taken from the layer when bound. Without them the grid is
   * the input plus k − 1 (stride 1, 'same'), which contains the operator of every stride and
   * padding, so the bound holds whatever they are (a layer's own grid is only smaller).
   */
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  /** Relative distance from the target at which the repeated projection stops (default 0.01). */
  tolerance?: number;
  /** Projections at most per application (default 100). */
  maxRounds?: number;
}

/** What the last application reached. */
export interface ConstraintProjection {
  /** 'convolution' (the circular operator on `grid`) or 'matrix' (a Dense kernel). */
  operator: 'convolution' | 'matrix';
  grid?: [number, number];
  rounds: number;
  largest: number;
  smallest: number;
  /** max(σmax/max − 1, 0) (clip) or max |σ/scale − 1| (Procrustes) after the last round. */
  deviation: number;
  converged: boolean;
}

type Config = SpectrumTarget & SpectralConstraintOptions;

/**
 * A kernel constraint that projects a Conv2D or Dense kernel onto a spectrum (see `spectralClip`
 * and `procrustes`). One class for both targets, registered with tfjs's serialization so that it
 * survives `model.save` and `tf.loadLayersModel`.
 */
export class SpectralConstraint extends ConstraintBase {
  static readonly className = 'SpectralConstraint';
  readonly target: SpectrumTarget;
  private geometry: ConvGeometry | undefined;
  private readonly tolerance: number;
  private readonly maxRounds: number;
  private roundsOverride: number | undefined;
  private readonly givenGeometry: SpectralConstraintOptions;
  /** What the last `apply` reached, or undefined before the first (or when it did not know the input size). */
  lastProjection: ConstraintProjection | undefined;
  private warnedUnbound = false;

  constructor(config: Config) {
    super();
    if (config?.mode === 'clip') {
      if (!(Number.isFinite(config.max) && config.max >= 0)) throw usageError(`spectralClip: max must be a non-negative number, got ${config.max}`);
      this.target = { mode: 'clip', max: config.max };
    } else if (config?.mode === 'procrustes') {
      if (!(Number.isFinite(config.scale) && config.scale > 0)) throw usageError(`procrustes: scale must be a positive number, got ${config.scale}`);
      this.target = { mode: 'procrustes', scale: config.scale };
    } else {
      throw usageError(`a spectral constraint needs mode 'clip' or 'procrustes', got ${JSON.stringify((config as { mode?: unknown })?.mode)}`);
    }
    this.tolerance = config.tolerance ?? 0.01;
    this.maxRounds = config.maxRounds ?? 100;
    if (!(this.tolerance >= 0)) throw usageError(`tolerance must be a non-negative number, got ${config.tolerance}`);
    if (!(Number.isInteger(this.maxRounds) && this.maxRounds >= 1)) throw usageError(`maxRounds must be a positive integer, got ${config.maxRounds}`);
    this.givenGeometry = { inputSize: config.inputSize, strides: config.strides, padding: config.padding };
    this.geometry = config.inputSize === undefined ? undefined : checkGeometry({ inputSize: config.inputSize, strides: config.strides, padding: config.padding });
  }

  private get name(): string {
    return this.target.mode === 'clip' ? 'spectralClip' : 'procrustes';
  }

  /**
   * Takes the geometry from the layer the constraint belongs to (`constraintsCallback` and
   * `bindConstraints` do this); a geometry given when the constraint was made must agree.
   */
  bind(layerName: string, geometry: ConvGeometry): void {
    const given = this.givenGeometry;
    const disagreements = [
      given.inputSize !== undefined && JSON.stringify(checkGeometry({ inputSize: given.inputSize }).inputSize) !== JSON.stringify(geometry.inputSize)
        ? `inputSize ${JSON.stringify(given.inputSize)} (the layer's input is ${geometry.inputSize.join('×')})`
        : undefined,
      given.strides !== undefined && JSON.stringify(checkGeometry({ inputSize: 1, strides: given.strides }).strides) !== JSON.stringify(geometry.strides)
        ? `strides ${JSON.stringify(given.strides)} (the layer's are ${geometry.strides.join('×')})`
        : undefined,
      given.padding !== undefined && given.padding !== geometry.padding ? `padding '${given.padding}' (the layer's is '${geometry.padding}')` : undefined,
    ].filter((d) => d !== undefined);
    if (disagreements.length > 0)
      throw usageError(`${this.name} on layer '${layerName}' was given ${disagreements.join(', ')}: drop these options (they are taken from the layer) or correct them`);
    this.geometry = geometry;
  }

  /**
   * Runs `write` (synchronous: tfjs applies the constraint inside it) with at most `maxRounds`
   * projection rounds instead of the constraint's own, e.g. one per application during training.
   */
  withRounds<T>(maxRounds: number, write: () => T): T {
    const own = this.roundsOverride;
    this.roundsOverride = Math.min(maxRounds, this.maxRounds);
    try {
      return write();
    } finally {
      this.roundsOverride = own;
    }
  }

  override apply(w: tf.Tensor): tf.Tensor {
    if (w.rank === 2) return this.applyToMatrix(w);
    if (w.rank !== 4) throw usageError(`${this.name} constrains Conv2D kernels [kh, kw, in, out] and Dense kernels [in, out], got a kernel of shape [${w.shape}]`);
    if (this.geometry === undefined) {
      // tfjs applies constraints where the user cannot step in (loading a saved model writes
      // every weight): the kernel is left as it is, said once, rather than making the model unloadable.
      if (!this.warnedUnbound) {
        console.warn(
          `${this.name}: a kernel was written before the constraint knew its layer's input size, and was left as it is: pass inputSize when making the constraint, or train with constraintsCallback (or call bindConstraints(model)), which take it from the layer`,
        );
        this.warnedUnbound = true;
      }
      this.lastProjection = undefined;
      return tf.clone(w);
    }
    const shape = w.shape as [number, number, number, number];
    const grid = circularGridSize(this.geometry, [shape[0], shape[1]]);
    const result = projectKernelRepeated({ shape, data: w.dataSync() }, grid, this.target, { tolerance: this.tolerance, maxRounds: this.roundsOverride ?? this.maxRounds });
    const { kernel, ...reached } = result;
    this.lastProjection = { operator: 'convolution', grid, ...reached };
    return tf.tensor4d(Float32Array.from(kernel.data), shape);
  }

  private applyToMatrix(w: tf.Tensor): tf.Tensor {
    const [rows, columns] = w.shape as [number, number];
    const { matrix, singularValues } = projectMatrixSpectrum(w.dataSync(), rows, columns, this.target);
    const largest = Math.max(...singularValues);
    const smallest = Math.min(...singularValues);
    this.lastProjection = { operator: 'matrix', rounds: 1, largest, smallest, deviation: 0, converged: true };
    return tf.tensor2d(Float32Array.from(matrix), [rows, columns]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const geometry = this.geometry;
    return {
      mode: this.target.mode,
      ...(this.target.mode === 'clip' ? { max: this.target.max } : { scale: this.target.scale }),
      ...(geometry === undefined ? {} : { inputSize: geometry.inputSize, strides: geometry.strides, padding: geometry.padding }),
      tolerance: this.tolerance,
      maxRounds: this.maxRounds,
    };
  }
}
tf.serialization.registerClass(SpectralConstraint as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>, 'Procrustes');

/**
 * Caps the largest singular value of a Conv2D's (or Dense's) operator at `max`.
 *
 * Guarantee, for a Conv2D: after it is applied, the circular convolution on the grid of the
 * layer's input plus tfjs's padding has no singular value above max·(1 + tolerance) (the
 * projection is repeated until the k×k kernel is within the tolerance, at most `maxRounds`
 * times; `lastProjection` says what it reached), and the layer's own operator, with its zero
 * padding (tfjs's asymmetric 'same' included) and strides, is bounded by it. The bias is left
 * alone. For a Dense kernel: the matrix's largest singular value is at most max, exactly.
 */
export function spectralClip(options: { max: number } & SpectralConstraintOptions): SpectralConstraint {
  return new SpectralConstraint({ ...options, mode: 'clip' });
}

/**
 * Sets every singular value of a Conv2D's (or Dense's) operator to `scale` (the paper's
 * Procrustes projection). Guarantee, for a Conv2D: the circular convolution on the grid of the
 * layer's input plus tfjs's padding has all its singular values within scale·(1 ± tolerance)
 * (when `lastProjection.converged`; a k×k kernel cannot reach every spectrum), so the layer's
 * own zero-padded, strided operator has none above scale·(1 + tolerance). For a Dense kernel:
 * all singular values equal scale, exactly (the nearest such matrix, scale·U·Vᵀ).
 */
export function procrustes(options: { scale?: number } & SpectralConstraintOptions = {}): SpectralConstraint {
  return new SpectralConstraint({ ...options, scale: options.scale ?? 1, mode: 'procrustes' });
}
