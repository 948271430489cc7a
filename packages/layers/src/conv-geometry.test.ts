import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { circularGridSize, tfjsPadding } from './conv-geometry.js';

describe("tfjs's convolution geometry", () => {
  it("gives the padding tfjs's computeConv2DInfo gives, for odd and even sizes, strides 1–3 and kernels 1–5", () => {
    let checked = 0;
    for (const size of [1, 2, 5, 7, 8, 14, 28, 32, 33]) {
      for (const stride of [1, 2, 3]) {
        for (const kernelSize of [1, 2, 3, 5]) {
          if (kernelSize > size) continue;
          for (const padding of ['same', 'valid'] as const) {
            const info = tf.backend_util.computeConv2DInfo([1, size, size, 1], [kernelSize, kernelSize, 1, 1], stride, 1, padding);
            expect(tfjsPadding(size, kernelSize, stride, padding), `${size} ${kernelSize} ${stride} ${padding}`).toEqual([info.padInfo.top, info.padInfo.bottom]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('puts a strided even input on a grid with one column of padding after it (0/1), and an odd one on two', () => {
    expect(circularGridSize({ inputSize: [8, 7], strides: [2, 2], padding: 'same' }, [3, 3])).toEqual([9, 9]);
    expect(circularGridSize({ inputSize: [32, 32], strides: [1, 1], padding: 'same' }, [3, 3])).toEqual([34, 34]);
    expect(circularGridSize({ inputSize: [7, 7], strides: [2, 2], padding: 'valid' }, [3, 3])).toEqual([7, 7]);
  });
});
