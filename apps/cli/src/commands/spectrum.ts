import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { buildNetworkSpec, usageError } from '@procrustes/core';
import { checkKernel, convSingularValues, convSingularValuesOf, projectConvSpectrum, type KernelData } from '@procrustes/spectral';
import { readCheckpointWeights, readRunConfig, verifiedCheckpointDirectory, type CheckpointSlot } from '@procrustes/train/node';
import { parsePositiveInteger, parsePositiveNumber } from '../options.js';
import { formatTable } from '../table.js';

function parseSize(value: string): [number, number] {
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`'${value}' is not NxM, e.g. 8x8`);
  return [Number(match[1]), Number(match[2])];
}

async function readKernelFile(path: string): Promise<KernelData> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw usageError(`cannot read kernel file ${path}: ${(error as Error).message}`);
  }
  const k = json as { shape?: unknown; data?: unknown };
  if (!Array.isArray(k?.shape) || !Array.isArray(k?.data)) {
    throw usageError(`${path} must hold {"shape": [kh, kw, cin, cout], "data": [...]} (row-major)`);
  }
  return checkKernel({ shape: k.shape as KernelData['shape'], data: k.data as number[] }, `kernel in ${path}`);
}

async function checkpointSpectra(run: string, json: boolean, slot: CheckpointSlot): Promise<void> {
  const config = await readRunConfig(run);
  const spec = buildNetworkSpec(config.network);
  const weights = await readCheckpointWeights(await verifiedCheckpointDirectory(run, slot));
  const convolutions = [spec.stem.convolution, ...spec.units.flatMap((u) => [...u.convolutions, ...(u.shortcutConvolution ? [u.shortcutConvolution] : [])])];
  const rows = convolutions.map((c) => {
    const w = weights.get(c.name)!;
    const values = convSingularValuesOf({ shape: w.shape as KernelData['shape'], data: w.values }, c.inputSize, c.stride);
    const largest = values[0];
    const smallest = values[values.length - 1];
    return { name: c.name, inputSize: c.inputSize, stride: c.stride, largest, smallest, condition: smallest > 0 ? largest / smallest : Number.POSITIVE_INFINITY };
  });
  if (json) {
    console.log(JSON.stringify({ run, model: spec.name, convolutions: rows }));
    return;
  }
  console.log(`${spec.name}: singular values of each convolution (circular boundary at its input size)\n`);
  console.log(
    formatTable(
      ['convolution', 'input', 'stride', 'largest', 'smallest', 'condition'],
      rows.map((r) => [
        r.name,
        r.inputSize.join('x'),
        String(r.stride),
        r.largest.toFixed(4),
        r.smallest.toExponential(3),
        Number.isFinite(r.condition) ? r.condition.toFixed(2) : '∞',
      ]),
      [2, 3, 4, 5],
    ),
  );
}

export function addSpectrumCommands(program: Command): void {
  program
    .command('spectrum')
    .description("singular values of a convolution (--kernel) or of every convolution of a run's checkpoint")
    .option('--kernel <file>', 'kernel JSON: {"shape": [kh, kw, cin, cout], "data": [...]}')
    .option('--input-size <NxM>', 'input size', parseSize)
    .option('--stride <s>', 'stride', parsePositiveInteger, 1)
    .option('--checkpoint <run>', 'a run directory')
    .option('--previous-checkpoint', "with --checkpoint: the run's checkpoint before the newest")
    .option('--json', 'print JSON')
    .action(async (options: { kernel?: string; inputSize?: [number, number]; stride: number; checkpoint?: string; previousCheckpoint?: boolean; json?: boolean }) => {
      if (options.checkpoint) return checkpointSpectra(options.checkpoint, options.json ?? false, options.previousCheckpoint ? 'previous' : 'latest');
      if (!options.kernel || !options.inputSize) throw usageError('spectrum needs --kernel FILE --input-size NxM, or --checkpoint RUN');
      const values = await convSingularValues(await readKernelFile(options.kernel), options.inputSize, { stride: options.stride });
      if (options.json) console.log(JSON.stringify({ singularValues: Array.from(values) }));
      else console.log(`${values.length} singular values: largest ${values[0]}, smallest ${values[values.length - 1]}\n${Array.from(values, (v) => v.toPrecision(8)).join(' ')}`);
    });

  program
    .command('project')
    .description('project a convolution kernel onto a spectrum (procrustes: all singular values = scale; clip: capped at max)')
    .requiredOption('--kernel <file>', 'kernel JSON: {"shape": [kh, kw, cin, cout], "data": [...]}')
    .requiredOption('--input-size <NxM>', 'DFT size', parseSize)
    .addOption(new Option('--mode <mode>', 'projection').choices(['procrustes', 'clip']).makeOptionMandatory())
    .option('--scale <s>', 'procrustes: the common singular value', parsePositiveNumber)
    .option('--max <m>', 'clip: the largest allowed singular value', parsePositiveNumber)
    .addOption(new Option('--method <method>', 'solver').choices(['exact', 'newton-schulz']).default('exact'))
    .option('--iterations <n>', 'Newton–Schulz iterations', parsePositiveInteger)
    .addOption(new Option('--compat <behaviour>', "reproduce the paper's published code").choices(['reference-code']))
    .option('--json', 'print JSON')
    .action(
      async (options: {
        kernel: string;
        inputSize: [number, number];
        mode: 'procrustes' | 'clip';
        scale?: number;
        max?: number;
        method: 'exact' | 'newton-schulz';
        iterations?: number;
        compat?: 'reference-code';
        json?: boolean;
      }) => {
        if (options.mode === 'procrustes' && options.scale === undefined) throw usageError('--mode procrustes needs --scale');
        if (options.mode === 'clip' && options.max === undefined) throw usageError('--mode clip needs --max');
        const target = options.mode === 'procrustes' ? { mode: 'procrustes' as const, scale: options.scale! } : { mode: 'clip' as const, max: options.max! };
        if (options.method === 'newton-schulz') {
          const { activateBackend } = await import('@procrustes/core');
          await activateBackend('wasm');
        }
        const result = await projectConvSpectrum(await readKernelFile(options.kernel), options.inputSize, target, {
          method: options.method,
          iterations: options.iterations,
          compat: options.compat,
        });
        const kernel = { shape: result.shape, data: Array.from(result.data) };
        console.log(options.json ? JSON.stringify({ kernel }) : JSON.stringify(kernel));
      },
    );
}
