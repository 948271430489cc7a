import { RUN_DEFAULTS } from '@procrustes/train';
import type { Command } from 'commander';
import { buildNetworkSpec, countTrainableParameters, MODEL_PRESETS } from '@procrustes/core';
import { parseInputShape, parsePositiveInteger } from '../options.js';
import { formatTable } from '../table.js';

export function addModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list the model presets with depth and trainable parameter count')
    .option('--input <HxWxC>', 'input shape', parseInputShape, [32, 32, 3] as [number, number, number])
    .option('--classes <n>', 'number of classes', parsePositiveInteger, 10)
    .option('--width <w>', 'base width', parsePositiveInteger, RUN_DEFAULTS.width)
    .option('--json', 'print JSON')
    .action((options: { input: [number, number, number]; classes: number; width: number; json?: boolean }) => {
      const models = MODEL_PRESETS.map((preset) => {
        const spec = buildNetworkSpec({ ...preset, inputShape: options.input, classes: options.classes, width: options.width });
        return {
          name: preset.name,
          family: preset.family,
          block: preset.block,
          n: preset.n,
          depth: spec.depth,
          units: spec.units.length,
          parameters: countTrainableParameters(spec),
        };
      });
      if (options.json) {
        console.log(JSON.stringify({ input: options.input, classes: options.classes, width: options.width, models }, null, 2));
        return;
      }
      console.log(`input ${options.input.join('x')}, ${options.classes} classes, width ${options.width}\n`);
      console.log(
        formatTable(
          ['model', 'family', 'block', 'n', 'depth', 'parameters'],
          models.map((m) => [m.name, m.family, m.block, String(m.n), String(m.depth), m.parameters.toLocaleString('en-US')]),
          [3, 4, 5],
        ),
      );
      console.log('\nAny depth of a family form works too: FAMILY-DEPTH[-basic|-bottleneck], e.g. resnet-38 or procresnet-40.');
    });
}
