import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandomState, fillUniform, usageError } from '@procrustes/core';
import { bindConstraints, constrainedWeights } from './bind-constraints.js';
import { SpectralConstraint } from './spectral-constraint.js';

export interface ConstraintsCallbackOptions {
  /**
   * Apply after every `every`-th optimizer step, or 'auto' (the default): after the first step
   * (the one-off projection of the model into its constraints, which costs most when it starts
   * far from them, as at initialisation), then whenever the training so far has paid for the
   * next application within `overhead` (every later application counted, each estimated by the
   * one before it). Either way, with `probability` 1 the constraints are applied once more when
   * training ends, to their tolerance, so that the model `fit` returns satisfies them.
   */
  every?: number | 'auto';
  /** …and then with this probability (the paper's regularizer frequency p; default 1). */
  probability?: number;
  /** Seed of the draws that `probability` makes (default 0). */
  seed?: number;
  /**
   * Projection rounds of a spectral constraint per application during training (default 1, as
   * the paper's regularizer projects once per application: the rounds accumulate over training).
   * The application when training ends repeats to the constraint's own tolerance.
   */
  roundsPerApplication?: number;
  /**
   * The share of training time the constraints may take (default 0.1): 'auto' keeps to it; with
   * a fixed `every` the callback warns once when it is exceeded, naming the `every` that would not.
   */
  overhead?: number;
}

/** The schedule that keeps applications at `share` of training: one per ⌈application / (share · step)⌉ steps. */
/** What a constraints callback has spent so far (over every `fit` it served). */
export interface ConstraintsStatistics {
  steps: number;
  applications: number;
  /** Seconds in optimizer steps (batch begin to end). */
  trainingSeconds: number;
  /** Seconds in applications of the constraints. */
  applicationSeconds: number;
  /** Of which the first application (the projection of the model into its constraints)… */
  firstApplicationSeconds: number;
  /** …and those when training ended (to the constraints' tolerance), over every fit. */
  endApplicationSeconds: number;
}

export function everyForOverhead(applicationSeconds: number, stepSeconds: number, share: number): number {
  return Math.max(1, Math.ceil(applicationSeconds / (share * stepSeconds)));
}

/**
 * A `fit` callback that applies every layer's weight constraints after optimizer steps: this
 * package's and tfjs's own (`maxNorm`, `unitNorm`, `nonNeg`, `minMaxNorm`). tfjs-layers 4.22
 * applies a constraint only when a weight is written with `setWeights`, never after an optimizer
 * step, so without this callback every constraint is ignored during `fit`.
 *
 * When training begins it binds each spectral constraint to its layer's geometry
 * (`bindConstraints`). Each application is `LayerVariable.write` of (a copy of) the variable's value,
 * which is where tfjs applies the constraint, inside a tidy: no tensor is left behind.
 */
export function constraintsCallback(options: ConstraintsCallbackOptions = {}): tfl.Callback & { statistics(): ConstraintsStatistics } {
  const every = options.every ?? 'auto';
  const probability = options.probability ?? 1;
  const share = options.overhead ?? 0.1;
  const rounds = options.roundsPerApplication ?? 1;
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw usageError(`constraintsCallback: roundsPerApplication must be a positive integer, got ${options.roundsPerApplication}`);
  if (every !== 'auto' && !(Number.isInteger(every) && every >= 1)) {
    throw usageError(`constraintsCallback: every must be a positive integer or 'auto', got ${options.every}`);
  }
  if (!(probability >= 0 && probability <= 1)) throw usageError(`constraintsCallback: probability must be between 0 and 1, got ${options.probability}`);
  if (!(share > 0)) throw usageError(`constraintsCallback: overhead must be a positive share of training time (0.1 is 10 %), got ${options.overhead}`);
  let random = createRandomState(options.seed ?? 0);
  const draw = new Float64Array(1);
  let step = 0;
  let stepStart = 0;
  let stepSeconds = 0;
  let trainingSeconds = 0;
  let applicationSeconds = 0;
  let firstApplication = 0;
  let endApplication = 0;
  let lastApplication = 0;
  let applications = 0;
  let appliedAtStep = -1;
  let warned = false;
  /** Whether this step is one where the schedule draws (and, with the draw, applies). */
  const eligible = (): boolean => {
    if (every !== 'auto') return step % every === 0;
    // The first step always; then once training has paid for the next, estimated by the last
    // (the one-offs, the first application and those at the ends of fits, are not charged).
    return appliedAtStep < 0 || applicationSeconds - firstApplication - endApplication + lastApplication <= share * trainingSeconds;
  };
  const apply = (model: tfl.LayersModel, maxRounds?: number): number => {
    const start = performance.now();
    applyConstraints(model, { maxRounds });
    const seconds = (performance.now() - start) / 1000;
    applicationSeconds += seconds;
    applications++;
    appliedAtStep = step;
    return seconds;
  };
  return new (class ConstraintsCallback extends tfl.Callback {
    override async onTrainBegin(): Promise<void> {
      bindConstraints(this.model);
    }

    override async onBatchBegin(): Promise<void> {
      stepStart = performance.now();
    }

    override async onBatchEnd(): Promise<void> {
      const seconds = (performance.now() - stepStart) / 1000;
      trainingSeconds += seconds;
      // The fastest step seen: a fair measure of the training the constraints are spread over.
      stepSeconds = stepSeconds === 0 ? seconds : Math.min(stepSeconds, seconds);
      step++;
      if (!eligible()) return;
      // Drawn at every eligible step, applied or not, so the draws do not depend on the model.
      random = fillUniform(random, draw);
      if (draw[0]! >= probability) return;
      lastApplication = apply(this.model, rounds);
      if (applications === 1) firstApplication = lastApplication;
      if (every === 'auto' || warned) return;
      const overhead = (lastApplication * probability) / (every * stepSeconds);
      if (overhead > share) {
        warned = true;
        console.warn(
          `constraintsCallback: applying the constraints took ${lastApplication.toFixed(3)} s, ${(lastApplication / stepSeconds).toFixed(1)}× a training step (${stepSeconds.toFixed(3)} s): ${(100 * overhead).toFixed(0)} % on top of training; every: ${everyForOverhead(lastApplication * probability, stepSeconds, share)} keeps it within ${(100 * share).toFixed(0)} % (or every: 'auto')`,
        );
      }
    }

    statistics(): ConstraintsStatistics {
      return { steps: step, applications, trainingSeconds, applicationSeconds, firstApplicationSeconds: firstApplication, endApplicationSeconds: endApplication };
    }

    override async onTrainEnd(): Promise<void> {
      if (probability === 1 && step > 0) endApplication += apply(this.model);
    }
  })();
}

/**
 * Applies every constraint of every layer of the model once, as tfjs does in `setWeights`;
 * `maxRounds` caps the projection rounds of spectral constraints (default: their own).
 */
export function applyConstraints(model: { layers: tfl.layers.Layer[] }, options: { maxRounds?: number } = {}): void {
  for (const layer of model.layers) {
    for (const variable of constrainedWeights(layer)) {
      // write() applies the constraint only to a tensor other than the variable's own: a clone.
      const write = () => tf.tidy(() => void variable.write(tf.clone(variable.read())));
      if (options.maxRounds !== undefined && variable.constraint instanceof SpectralConstraint) variable.constraint.withRounds(options.maxRounds, write);
      else write();
    }
  }
}
