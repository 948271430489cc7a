import type { KernelData } from './kernel.js';

/**
 * The polyphase form of a stride-s convolution: sampling the output at multiples of s equals
 * an unstrided circular convolution on the (n/s)×(m/s) grid whose inputs are the s² phase
 * images x_ab[p, q] = x[s·p + a, s·q + b]. Tap (di, dj) of phase (a, b) is k[s·di + a, s·dj + b]
 * (zero beyond the kernel). The result has cin·s² input channels, ordered (a, b, c).
 */
export function polyphaseKernel(kernel: KernelData, stride: number): KernelData {
  const [kh, kw, cin, cout] = kernel.shape;
  const ph = Math.ceil(kh / stride);
  const pw = Math.ceil(kw / stride);
  const channels = cin * stride * stride;
  const data = new Float64Array(ph * pw * channels * cout);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const di = Math.floor(i / stride);
      const dj = Math.floor(j / stride);
      const phase = (i % stride) * stride + (j % stride);
      for (let c = 0; c < cin; c++) {
        for (let d = 0; d < cout; d++) {
          data[((di * pw + dj) * channels + phase * cin + c) * cout + d] = kernel.data[((i * kw + j) * cin + c) * cout + d];
        }
      }
    }
  }
  return { shape: [ph, pw, channels, cout], data };
}
