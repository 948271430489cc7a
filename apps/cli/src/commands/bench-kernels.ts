import type { Command } from 'commander';
import { activateBackend, tf } from '@procrustes/core';
import { setWinogradMode, winogradTileSize, type ConvolutionPass, type WinogradMode } from '@procrustes/backend-wasm';
import { formatTable } from '../table.js';

/** A 3×3 stride-1 'same' convolution of the networks here: batch, size, channels in and out. */
export interface KernelShape {
  batch: number;
  size: number;
  inChannels: number;
  outChannels: number;
  /** Which networks have it (for the table). */
  of: string;
}

/**
 * The 3×3 stride-1 shapes of resnet-20/56 (basic, width 16) and resnet-164 (bottleneck) at the
 * per-worker batches of the suite (`--workers 2`: half of 128, half of 64).
 */
export const KERNEL_SHAPES: KernelShape[] = [
  { batch: 64, size: 28, inChannels: 16, outChannels: 16, of: 'resnet-20 28×28×1, stage 1' },
  { batch: 64, size: 14, inChannels: 32, outChannels: 32, of: 'resnet-20 28×28×1, stage 2' },
  { batch: 64, size: 7, inChannels: 64, outChannels: 64, of: 'resnet-20 28×28×1, stage 3' },
  { batch: 64, size: 28, inChannels: 1, outChannels: 16, of: 'resnet-20 28×28×1, stem' },
  { batch: 64, size: 32, inChannels: 16, outChannels: 16, of: 'resnet-56 32×32×3, stage 1' },
  { batch: 64, size: 16, inChannels: 32, outChannels: 32, of: 'resnet-56 32×32×3, stage 2' },
  { batch: 64, size: 8, inChannels: 64, outChannels: 64, of: 'resnet-56 32×32×3, stage 3' },
  { batch: 64, size: 32, inChannels: 3, outChannels: 16, of: 'resnet-56 32×32×3, stem' },
  { batch: 32, size: 32, inChannels: 16, outChannels: 16, of: 'resnet-164 32×32×3, stage 1' },
  { batch: 32, size: 16, inChannels: 32, outChannels: 32, of: 'resnet-164 32×32×3, stage 2' },
  { batch: 32, size: 8, inChannels: 64, outChannels: 64, of: 'resnet-164 32×32×3, stage 3' },
];

const PASSES: ConvolutionPass[] = ['forward', 'input-gradient', 'filter-gradient'];
const MODES: WinogradMode[] = ['off', 2, 4];

export interface KernelTiming {
  shape: KernelShape;
  pass: ConvolutionPass;
  /** Median milliseconds per mode: off (XNNPACK or the direct kernels), F(2×2,3×3), F(4×4,3×3). */
  milliseconds: Record<'off' | '2' | '4', number>;
  /** The tile size the 'auto' rule picks, or 'off'. */
  auto: 'off' | '2' | '4';
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function runPass(pass: ConvolutionPass, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  if (pass === 'forward') return tf.conv2d(x, w, 1, 'same');
  if (pass === 'input-gradient') return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as never) as tf.Tensor;
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as never) as tf.Tensor;
}

/** Times each pass of each shape in each mode; the modes alternate, so that drift of the machine's speed hits all alike. */
export async function benchmarkKernels(shapes: KernelShape[], repeats: number): Promise<KernelTiming[]> {
  await activateBackend('wasm');
  const timings: KernelTiming[] = [];
  try {
    for (const shape of shapes) {
      const x = tf.randomNormal([shape.batch, shape.size, shape.size, shape.inChannels]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, shape.inChannels, shape.outChannels]) as tf.Tensor4D;
      const dy = tf.randomNormal([shape.batch, shape.size, shape.size, shape.outChannels]) as tf.Tensor4D;
      for (const pass of PASSES) {
        const samples: Record<string, number[]> = { off: [], '2': [], '4': [] };
        for (let r = 0; r < repeats + 1; r++) {
          for (const mode of MODES) {
            setWinogradMode(mode);
            const t0 = performance.now();
            const out = runPass(pass, x, w, dy);
            await out.data();
            const elapsed = performance.now() - t0;
            out.dispose();
            if (r > 0) samples[String(mode)].push(elapsed); // the first round warms up
          }
        }
        setWinogradMode('auto');
        const auto = winogradTileSize(pass, { inChannels: shape.inChannels, outChannels: shape.outChannels, outHeight: shape.size, outWidth: shape.size });
        timings.push({
          shape,
          pass,
          milliseconds: { off: median(samples.off), '2': median(samples['2']), '4': median(samples['4']) },
          auto: auto === undefined ? 'off' : (String(auto) as '2' | '4'),
        });
      }
      tf.dispose([x, w, dy]);
    }
  } finally {
    setWinogradMode('auto');
  }
  return timings;
}

export function kernelTable(timings: KernelTiming[], markdown = false): string {
  const rows = timings.map((t) => {
    const best = Math.min(t.milliseconds.off, t.milliseconds['2'], t.milliseconds['4']);
    const cell = (mode: 'off' | '2' | '4') => `${t.milliseconds[mode].toFixed(1)}${t.milliseconds[mode] === best ? ' ◀' : ''}`;
    return [
      `${t.shape.batch}×${t.shape.size}×${t.shape.size}, ${t.shape.inChannels}→${t.shape.outChannels} (${t.shape.of})`,
      t.pass,
      cell('off'),
      cell('2'),
      cell('4'),
      t.auto === 'off' ? 'off' : `F(${t.auto}×${t.auto})`,
      `${(t.milliseconds.off / t.milliseconds[t.auto]).toFixed(2)}×`,
    ];
  });
  const header = ['3×3 stride-1 convolution', 'pass', 'off ms', 'F(2×2,3×3) ms', 'F(4×4,3×3) ms', 'auto picks', 'auto speed-up'];
  if (!markdown) return formatTable(header, rows);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i >= 2 ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

export function addBenchKernelsCommand(program: Command): void {
  program
    .command('bench-kernels')
    .description("time the 3×3 stride-1 convolutions of the suite's networks on one WASM thread: XNNPACK / direct kernels against Winograd F(2×2,3×3) and F(4×4,3×3), per pass")
    .option('--repeats <n>', 'timed repeats per mode (median)', (v) => Number.parseInt(v, 10), 5)
    .option('--markdown', 'print a Markdown table')
    .option('--json', 'print JSON')
    .action(async (options: { repeats: number; json?: boolean; markdown?: boolean }) => {
      const timings = await benchmarkKernels(KERNEL_SHAPES, options.repeats);
      console.log(options.json ? JSON.stringify(timings) : kernelTable(timings, options.markdown));
    });
}
