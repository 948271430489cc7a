import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { usageError } from '@procrustes/core';

type Layer = tfl.layers.Layer;
type SymbolicTensor = tfl.SymbolicTensor;

/** A model's layers in the order they compute, each with the symbolic tensors it reads and writes. */
export interface GraphStep {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

/** The computation of a LayersModel (functional or Sequential) as steps in order; refuses layers used more than once. */
export function graphSteps(model: tfl.LayersModel): GraphStep[] {
  return model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => {
      if (layer.inboundNodes.length !== 1) {
        throw usageError(`layer '${layer.name}' is called ${layer.inboundNodes.length} times in the model: gradient ratios need each layer used once (make a layer per use)`);
      }
      const node = layer.inboundNodes[0]!;
      return { layer, inputs: node.inputTensors, outputs: node.outputTensors };
    });
}

/**
 * Runs the model's steps on concrete inputs, as tfjs-layers' own execution does, with `visit`
 * called on every symbolic tensor's value as it is computed (the model's inputs first); what it
 * returns replaces the value for every later layer (a probe's tap).
 */
export function runGraph(
  model: tfl.LayersModel,
  inputs: tf.Tensor[],
  options: { training: boolean; visit?: (symbolic: SymbolicTensor, value: tf.Tensor) => tf.Tensor },
): tf.Tensor[] {
  const visit = options.visit ?? ((_, value) => value);
  const values = new Map<number, tf.Tensor>();
  for (const [i, symbolic] of model.inputs.entries()) values.set(symbolic.id, visit(symbolic, inputs[i]!));
  for (const step of graphSteps(model)) {
    const read = step.inputs.map((symbolic) => values.get(symbolic.id)!);
    const output = step.layer.apply(read.length === 1 ? read[0]! : read, { training: options.training }) as tf.Tensor | tf.Tensor[];
    const outputs = Array.isArray(output) ? output : [output];
    for (const [i, symbolic] of step.outputs.entries()) values.set(symbolic.id, visit(symbolic, outputs[i]!));
  }
  return model.outputs.map((symbolic) => values.get(symbolic.id)!);
}

/** A block boundary x_l: a symbolic tensor of the model, and the block it starts (or 'output' after the last). */
export interface Boundary {
  tensor: SymbolicTensor;
  /** The name of the block that starts here (the Add layer of a residual block), or of the layer whose output it is. */
  name: string;
}

/** Layers that normalise or activate in place (same shape, one input): a pre-activation unit begins with them. */
const PRE_ACTIVATION = new Set(['BatchNormalization', 'LayerNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU', 'Softmax']);

/**
 * Where the unit begins whose shortcut and branch part at `parting`: a pre-activation unit
 * (BN → ReLU → shortcut convolution and branch, as in the paper's projection units) begins before
 * its normalisation and activation, where nothing else reads the tensor.
 */
function unitInput(parting: SymbolicTensor, consumers: Map<number, number>): SymbolicTensor {
  let tensor = parting;
  while (PRE_ACTIVATION.has(tensor.sourceLayer.getClassName()) && tensor.inputs.length === 1 && consumers.get(tensor.inputs[0]!.id) === 1) tensor = tensor.inputs[0]!;
  return tensor;
}

/**
 * The residual blocks' boundaries x_0 … x_L, found as the tfjs-layers graph shows them: each
 * `Add` layer ends a block; its input x_l is where the Add's inputs part (the shortcut and the
 * residual branch), or, for a projection shortcut that shares the block's pre-activation with the
 * branch (x → BN → ReLU → shortcut convolution and branch), the tensor before that
 * normalisation and activation, so that x_l is the unit's input as in the paper; x_L is the last
 * Add's output.
 */
export function residualBoundaries(model: tfl.LayersModel): Boundary[] {
  const steps = graphSteps(model);
  const order = new Map<number, number>();
  for (const symbolic of model.inputs) order.set(symbolic.id, -1);
  for (const [position, step] of steps.entries()) for (const symbolic of step.outputs) order.set(symbolic.id, position);
  const ancestors = (start: SymbolicTensor) => {
    const seen = new Map<number, SymbolicTensor>();
    const stack = [start];
    while (stack.length > 0) {
      const tensor = stack.pop()!;
      if (seen.has(tensor.id)) continue;
      seen.set(tensor.id, tensor);
      stack.push(...tensor.inputs);
    }
    return seen;
  };
  const consumers = new Map<number, number>();
  for (const step of steps) for (const input of step.inputs) consumers.set(input.id, (consumers.get(input.id) ?? 0) + 1);
  const adds = steps.filter((step) => step.layer.getClassName() === 'Add');
  if (adds.length === 0) throw usageError('the model has no Add layer (no residual block): name the layers whose outputs are the block boundaries (boundaries: [...])');
  const boundaries: Boundary[] = adds.map((add) => {
    const [first, ...others] = add.inputs.map(ancestors);
    const common = [...first!.values()].filter((tensor) => others.every((set) => set.has(tensor.id)));
    if (common.length === 0)
      throw usageError(`the inputs of Add layer '${add.layer.name}' share no tensor: it is not a residual block; name the block boundaries (boundaries: [...])`);
    const parting = common.reduce((latest, tensor) => ((order.get(tensor.id) ?? -1) > (order.get(latest.id) ?? -1) ? tensor : latest));
    // An identity shortcut carries the parting tensor itself: the unit begins there. A projection
    // shortcut may share the unit's pre-activation with the branch: the unit begins before it.
    const identity = add.inputs.some((tensor) => tensor.id === parting.id);
    return { tensor: identity ? parting : unitInput(parting, consumers), name: add.layer.name };
  });
  const last = adds[adds.length - 1]!;
  boundaries.push({ tensor: last.outputs[0]!, name: 'output' });
  const ids = boundaries.map((b) => b.tensor.id);
  if (new Set(ids).size !== ids.length) throw usageError('two residual blocks of the model start at the same tensor: name the block boundaries (boundaries: [...])');
  return boundaries;
}

/** Boundaries at the outputs of the named layers, in the order given. */
export function namedBoundaries(model: tfl.LayersModel, names: readonly string[]): Boundary[] {
  if (names.length < 2) throw usageError(`boundaries needs at least two layer names (a ratio is between consecutive boundaries), got ${names.length}`);
  return names.map((name) => {
    let layer: Layer;
    try {
      layer = model.getLayer(name);
    } catch {
      throw usageError(`boundaries: the model has no layer '${name}' (its layers: ${model.layers.map((l) => l.name).join(', ')})`);
    }
    const output = layer.output;
    if (Array.isArray(output)) throw usageError(`boundaries: layer '${name}' has ${output.length} outputs; name a layer with one`);
    return { tensor: output as SymbolicTensor, name };
  });
}
