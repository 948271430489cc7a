// The filter gradient of an NHWC convolution, written for WebAssembly SIMD (128-bit).
//
//   dw[i][j][c][d] = sum over n, p, q of x[n][p*sh + i - top][q*sw + j - left][c] * dy[n][p][q][d]
//
// It runs inside TensorFlow.js's WASM memory (imported), reading x and dy where tfjs keeps them:
// no transposes, no packing, no copies. Each (tap, 4 input channels, 16 or 4 output channels)
// block keeps its accumulators in registers while one row of dy streams past, so a row of dy
// and the rows of x it meets stay in L1. Requires c % 4 == 0 and d % 4 == 0; the caller falls
// back to XNNPACK otherwise. No stack, no static data: the module owns no memory of its own.
//
// Build: packages/backend-wasm/scripts/build-kernels.sh (clang ≥ 14 and wasm-ld).

#include <wasm_simd128.h>

#define MULTIPLY_ADD(acc, a, b) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))

// One block of 4 input channels × 16 output channels over the output columns [c0, c1).
static void block16(float* dw, int co, const float* dyrow, const float* xcol, int xstep, int c0, int c1) {
  v128_t a[4][4];
  for (int r = 0; r < 4; r++)
    for (int k = 0; k < 4; k++) a[r][k] = wasm_v128_load(dw + r * co + 4 * k);
  for (int c = c0; c < c1; c++) {
    const float* g = dyrow + c * co;
    v128_t g0 = wasm_v128_load(g), g1 = wasm_v128_load(g + 4), g2 = wasm_v128_load(g + 8), g3 = wasm_v128_load(g + 12);
    v128_t xv = wasm_v128_load(xcol + c * xstep);
    v128_t x0 = wasm_i32x4_shuffle(xv, xv, 0, 0, 0, 0);
    v128_t x1 = wasm_i32x4_shuffle(xv, xv, 1, 1, 1, 1);
    v128_t x2 = wasm_i32x4_shuffle(xv, xv, 2, 2, 2, 2);
    v128_t x3 = wasm_i32x4_shuffle(xv, xv, 3, 3, 3, 3);
    MULTIPLY_ADD(a[0][0], x0, g0); MULTIPLY_ADD(a[0][1], x0, g1); MULTIPLY_ADD(a[0][2], x0, g2); MULTIPLY_ADD(a[0][3], x0, g3);
    MULTIPLY_ADD(a[1][0], x1, g0); MULTIPLY_ADD(a[1][1], x1, g1); MULTIPLY_ADD(a[1][2], x1, g2); MULTIPLY_ADD(a[1][3], x1, g3);
    MULTIPLY_ADD(a[2][0], x2, g0); MULTIPLY_ADD(a[2][1], x2, g1); MULTIPLY_ADD(a[2][2], x2, g2); MULTIPLY_ADD(a[2][3], x2, g3);
    MULTIPLY_ADD(a[3][0], x3, g0); MULTIPLY_ADD(a[3][1], x3, g1); MULTIPLY_ADD(a[3][2], x3, g2); MULTIPLY_ADD(a[3][3], x3, g3);
  }
  for (int r = 0; r < 4; r++)
    for (int k = 0; k < 4; k++) wasm_v128_store(dw + r * co + 4 * k, a[r][k]);
}

// The same for 4 input channels × 4 output channels (the output channels left after blocks of 16).
static void block4(float* dw, int co, const float* dyrow, const float* xcol, int xstep, int c0, int c1) {
  v128_t a0 = wasm_v128_load(dw), a1 = wasm_v128_load(dw + co), a2 = wasm_v128_load(dw + 2 * co), a3 = wasm_v128_load(dw + 3 * co);
  for (int c = c0; c < c1; c++) {
    v128_t g = wasm_v128_load(dyrow + c * co);
    v128_t xv = wasm_v128_load(xcol + c * xstep);
    MULTIPLY_ADD(a0, wasm_i32x4_shuffle(xv, xv, 0, 0, 0, 0), g);
    MULTIPLY_ADD(a1, wasm_i32x4_shuffle(xv, xv, 1, 1, 1, 1), g);
    MULTIPLY_ADD(a2, wasm_i32x4_shuffle(xv, xv, 2, 2, 2, 2), g);
    MULTIPLY_ADD(a3, wasm_i32x4_shuffle(xv, xv, 3, 3, 3, 3), g);
  }
  wasm_v128_store(dw, a0); wasm_v128_store(dw + co, a1); wasm_v128_store(dw + 2 * co, a2); wasm_v128_store(dw + 3 * co, a3);
}

__attribute__((export_name("filter_gradient")))
void filter_gradient(const float* x, const float* dy, float* dw,
                     int n, int h, int w, int ci, int oh, int ow, int co,
                     int kh, int kw, int sh, int sw, int top, int left) {
  for (int k = 0; k < kh * kw * ci * co; k++) dw[k] = 0.0f;
  for (int b = 0; b < n; b++) {
    for (int p = 0; p < oh; p++) {
      const float* dyrow = dy + (b * oh + p) * ow * co;
      for (int i = 0; i < kh; i++) {
        int row = p * sh + i - top;
        if (row < 0 || row >= h) continue;
        const float* xrow = x + (b * h + row) * w * ci;
        for (int j = 0; j < kw; j++) {
          // The output columns whose tap j lands inside the input: 0 <= q*sw + j - left < w.
          int c0 = 0;
          while (c0 < ow && c0 * sw + j - left < 0) c0++;
          int c1 = ow;
          while (c1 > c0 && (c1 - 1) * sw + j - left >= w) c1--;
          if (c0 >= c1) continue;
          const float* xtap = xrow + (j - left) * ci;
          for (int cb = 0; cb < ci; cb += 4) {
            float* dwtap = dw + ((i * kw + j) * ci + cb) * co;
            int ob = 0;
            for (; ob + 16 <= co; ob += 16) block16(dwtap + ob, co, dyrow + ob, xtap + cb, sw * ci, c0, c1);
            for (; ob < co; ob += 4) block4(dwtap + ob, co, dyrow + ob, xtap + cb, sw * ci, c0, c1);
          }
        }
      }
    }
  }
}
