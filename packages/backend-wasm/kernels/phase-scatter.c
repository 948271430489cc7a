// One phase of a strided convolution's input gradient, written into place, for WebAssembly SIMD.
//
//   dx[b][s*a + rh][s*q + rw][0..c) = phase[b][a][q][0..c)     for a < ah, q < aw
//
// A stride-s convolution's input gradient splits into s² phases (the input positions with the
// same row and column remainders mod s); each is a small stride-1 convolution of dy with the taps
// that reach it, and this kernel interleaves them. Writing the phases in place replaces a
// convolution over a filter padded with the taps other phases own and a block transpose after it.
// No stack, no static data: it runs inside TensorFlow.js's WASM memory.
//
// Build: packages/backend-wasm/scripts/build-kernels.sh (clang ≥ 14 and wasm-ld).

#include <wasm_simd128.h>

__attribute__((export_name("phase_scatter")))
void phase_scatter(const float* phase, float* dx, int n, int ah, int aw, int h, int w, int c, int s, int rh, int rw) {
  for (int b = 0; b < n; b++) {
    for (int a = 0; a < ah; a++) {
      const float* source = phase + ((b * ah + a) * aw) * c;
      float* row = dx + ((b * h + s * a + rh) * w + rw) * c;
      for (int q = 0; q < aw; q++) {
        const float* from = source + q * c;
        float* to = row + s * q * c;
        int k = 0;
        for (; k + 4 <= c; k += 4) wasm_v128_store(to + k, wasm_v128_load(from + k));
        for (; k < c; k++) to[k] = from[k];
      }
    }
  }
}

// count floats at p set to zero (the positions of phases that no filter tap reaches).
__attribute__((export_name("zero_floats")))
void zero_floats(float* p, int count) {
  __builtin_memset(p, 0, (unsigned long)count * sizeof(float));
}
