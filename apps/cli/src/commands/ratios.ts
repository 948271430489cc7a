import { RUN_DEFAULTS } from '@procrustes/train';
import { writeFile } from 'node:fs/promises';
import { makeDirectory } from '@procrustes/core/node';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { WinogradMode } from '@procrustes/backend-wasm';
import {
  activateBackend,
  buildNetworkSpec,
  INITIALIZATIONS,
  type Initialization,
  createRandomState,
  disposeParameters,
  fillNormal,
  initializeParameters,
  parseModelName,
  randomInteger,
  tf,
} from '@procrustes/core';
import { saveWeights } from '@procrustes/core/node';
import { probeBatch } from '@procrustes/probes';
import { measuredWith, parseWinogradMode } from '../measurement.js';
import { parseInputShape, parseNonNegativeInteger, parsePositiveInteger } from '../options.js';
import { formatTable } from '../table.js';

interface RatiosOptions {
  model: string;
  input: [number, number, number];
  batch: number;
  seed: number;
  width: number;
  init?: Initialization;
  classes: number;
  backend: string;
  export?: string;
  json?: boolean;
  winograd: WinogradMode;
}

export function addRatiosCommand(program: Command): void {
  program
    .command('ratios')
    .description('per-unit gradient norm ratios of one forward/backward pass (training mode) on a seeded random batch')
    .option('--model <name>', 'model', RUN_DEFAULTS.model)
    .option('--input <HxWxC>', 'input shape', parseInputShape, [28, 28, 1] as [number, number, number])
    .option('--batch <n>', 'batch size', parsePositiveInteger, 32)
    .option('--seed <n>', 'seed of weights, inputs and labels', parseNonNegativeInteger, 1)
    .option('--width <w>', 'base width', parsePositiveInteger, RUN_DEFAULTS.width)
    .addOption(new Option('--init <scheme>', "convolutions' initialisation (default he-fan-out)").choices([...INITIALIZATIONS]))
    .option('--classes <n>', 'classes', parsePositiveInteger, 10)
    .option('--backend <name>', 'backend plugin', RUN_DEFAULTS.backend)
    .option('--export <dir>', 'write the weights (TensorFlow.js format), inputs.json and labels.json, for an independent implementation')
    .option('--json', 'print JSON')
    .option(
      '--winograd <mode>',
      'WASM kernels while measuring: off (direct kernels, the default: closest to a float64 reference), auto (as in training), 2 or 4',
      parseWinogradMode,
      'off' as WinogradMode,
    )
    .action(async (options: RatiosOptions) => {
      await activateBackend(options.backend);
      const spec = buildNetworkSpec({
        ...parseModelName(options.model),
        width: options.width,
        inputShape: options.input,
        classes: options.classes,
        ...(options.init ? { initialization: options.init } : {}),
      });
      const parameters = initializeParameters(spec, options.seed);
      const [h, w, c] = options.input;
      const values = new Float32Array(options.batch * h * w * c);
      let state = fillNormal(createRandomState(options.seed + 1), values);
      const labels: number[] = [];
      for (let i = 0; i < options.batch; i++) {
        const drawn = randomInteger(state, options.classes);
        state = drawn.state;
        labels.push(drawn.value);
      }
      const inputs = tf.tensor4d(values, [options.batch, h, w, c]);
      const labelTensor = tf.tensor1d(labels, 'int32');
      const ratios = await measuredWith(options.winograd, () => probeBatch(spec, parameters, inputs, labelTensor));
      if (options.export) {
        makeDirectory(options.export);
        await saveWeights(options.export, parameters, { network: spec.config });
        await writeFile(join(options.export, 'inputs.json'), JSON.stringify({ shape: [options.batch, h, w, c], data: Array.from(values) }));
        await writeFile(join(options.export, 'labels.json'), JSON.stringify(labels));
      }
      tf.dispose([inputs, labelTensor]);
      disposeParameters(parameters);
      if (options.json) {
        console.log(JSON.stringify({ model: spec.name, delta: ratios.delta, units: ratios.units }));
        return;
      }
      console.log(`${spec.name}: gradient norm ratio ‖∂E/∂x_l‖/‖∂E/∂x_{l+1}‖ per unit (batch ${options.batch}), δ = ${ratios.delta.toFixed(4)}\n`);
      console.log(
        formatTable(
          ['unit', 'kind', 'mean', 'median', 'p5', 'p95', 'δ_l', 'forward'],
          ratios.units.map((u) => [
            String(u.index),
            u.kind,
            u.ratioMean.toFixed(4),
            u.gradient.median.toFixed(4),
            u.gradient.p5.toFixed(4),
            u.gradient.p95.toFixed(4),
            u.gradient.delta.toFixed(4),
            u.forward.mean.toFixed(4),
          ]),
          [0, 2, 3, 4, 5, 6, 7],
        ),
      );
    });
}
