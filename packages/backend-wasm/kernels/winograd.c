// Winograd minimal filtering for 3×3 stride-1 NHWC convolutions, WebAssembly SIMD (128-bit):
// F(2×2,3×3) (4×4 tiles, 2.25× fewer multiplications than direct) and F(4×4,3×3) (6×6 tiles, 4×).
//
//   forward          Y  = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A     summed over input channels
//   filter gradient  dW = Gᵀ [ (A dY Aᵀ) ⊙ (Bᵀ d B) ] G     summed over tiles (the transposed algorithm)
//   input gradient   the forward algorithm on dY with the flipped filter, in/out channels swapped
//
// The channel sums run in the transformed domain as matrix products, one per tile position ξ
// (the GEMM formulation of Lavin & Gray, 2016). Tiles are processed in blocks of T so that the
// transformed block stays in cache. Vectors run over 4 channels; channel counts need not be
// multiples of 4 (the transformed planes are padded with zeros to Cp and Kp). Everything runs in
// tfjs's WASM memory (imported); the caller passes a scratch buffer (winograd_scratch_floats).
// No stack, no static data: the module owns no memory of its own.
//
// Build: packages/backend-wasm/scripts/build-kernels.sh (clang ≥ 14 and wasm-ld).

#include <wasm_simd128.h>

typedef v128_t V;
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat
#define MULTIPLY_ADD(acc, a, b) acc = ADD(acc, MUL(a, b))

static inline int round4(int x) { return (x + 3) & ~3; }

// Four channels from p, of which `count` (1–4) exist; the rest are zero. Never reads past them.
static inline V load_channels(const float* p, int count) {
  if (count >= 4) return wasm_v128_load(p);
  return wasm_f32x4_make(p[0], count > 1 ? p[1] : 0.0f, count > 2 ? p[2] : 0.0f, 0.0f);
}

static inline void store_channels(float* p, V v, int count) {
  if (count >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (count > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (count > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

// ---- 1-D transforms (s, t: strides of the input and output vectors) ----

// Bᵀ d, F(2,3): 4 → 4.
static inline void input_1d_4(const V* d, int s, V* o, int t) {
  V d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s];
  o[0] = SUB(d0, d2);
  o[t] = ADD(d1, d2);
  o[2 * t] = SUB(d2, d1);
  o[3 * t] = SUB(d1, d3);
}

// Bᵀ d, F(4,3): 6 → 6 (interpolation points 0, ±1, ±2, ∞).
static inline void input_1d_6(const V* d, int s, V* o, int t) {
  V d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  V four = SPLAT(4.0f), five = SPLAT(5.0f), two = SPLAT(2.0f);
  o[0] = ADD(SUB(MUL(four, d0), MUL(five, d2)), d4);
  o[t] = SUB(ADD(d4, d3), MUL(four, ADD(d1, d2)));
  o[2 * t] = ADD(SUB(d4, d3), MUL(four, SUB(d1, d2)));
  V e = SUB(d4, d2), f = MUL(two, SUB(d3, d1));
  o[3 * t] = ADD(e, f);
  o[4 * t] = SUB(e, f);
  o[5 * t] = ADD(SUB(MUL(four, d1), MUL(five, d3)), d5);
}

// Aᵀ m, F(2,3): 4 → 2.
static inline void output_1d_4(const V* m, int s, V* o, int t) {
  V m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s];
  o[0] = ADD(ADD(m0, m1), m2);
  o[t] = SUB(SUB(m1, m2), m3);
}

// Aᵀ m, F(4,3): 6 → 4.
static inline void output_1d_6(const V* m, int s, V* o, int t) {
  V m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s];
  V a = SUB(m1, m2), b = ADD(m1, m2), c = SUB(m3, m4), d = ADD(m3, m4);
  o[0] = ADD(ADD(m0, b), d);
  o[t] = ADD(a, MUL(SPLAT(2.0f), c));
  o[2 * t] = ADD(b, MUL(SPLAT(4.0f), d));
  o[3 * t] = ADD(ADD(a, MUL(SPLAT(8.0f), c)), m5);
}

// A y (an output-gradient tile into the transformed domain), F(2,3): 2 → 4.
static inline void gradient_1d_4(const V* y, int s, V* o, int t) {
  V y0 = y[0], y1 = y[s];
  o[0] = y0;
  o[t] = ADD(y0, y1);
  o[2 * t] = SUB(y0, y1);
  o[3 * t] = SUB(wasm_f32x4_splat(0.0f), y1);
}

// A y, F(4,3): 4 → 6.
static inline void gradient_1d_6(const V* y, int s, V* o, int t) {
  V y0 = y[0], y1 = y[s], y2 = y[2 * s], y3 = y[3 * s];
  V even = ADD(y0, y2), odd = ADD(y1, y3);
  V even2 = ADD(y0, MUL(SPLAT(4.0f), y2)), odd2 = ADD(MUL(SPLAT(2.0f), y1), MUL(SPLAT(8.0f), y3));
  o[0] = y0;
  o[t] = ADD(even, odd);
  o[2 * t] = SUB(even, odd);
  o[3 * t] = ADD(even2, odd2);
  o[4 * t] = SUB(even2, odd2);
  o[5 * t] = y3;
}

// Gᵀ m (the filter gradient out of the transformed domain), F(2,3): 4 → 3.
static inline void filter_out_1d_4(const V* m, int s, V* o, int t) {
  V m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s];
  V half = SPLAT(0.5f);
  V b = MUL(half, ADD(m1, m2));
  o[0] = ADD(m0, b);
  o[t] = MUL(half, SUB(m1, m2));
  o[2 * t] = ADD(b, m3);
}

// Gᵀ m, F(4,3): 6 → 3.
static inline void filter_out_1d_6(const V* m, int s, V* o, int t) {
  V m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s];
  V sixth = SPLAT(1.0f / 6.0f);
  V b = ADD(m1, m2), c = ADD(m3, m4);
  o[0] = ADD(SUB(MUL(SPLAT(0.25f), m0), MUL(sixth, b)), MUL(SPLAT(1.0f / 24.0f), c));
  o[t] = ADD(MUL(sixth, SUB(m2, m1)), MUL(SPLAT(1.0f / 12.0f), SUB(m3, m4)));
  o[2 * t] = ADD(MUL(sixth, SUB(c, b)), m5);
}

// G g for one 3-vector of filter taps (scalars), F(2,3): 3 → 4 and F(4,3): 3 → 6.
static inline __attribute__((always_inline)) void filter_in_1d(int m, const float* g, int s, float* o, int t) {
  float g0 = g[0], g1 = g[s], g2 = g[2 * s];
  if (m == 2) {
    o[0] = g0;
    o[t] = 0.5f * (g0 + g1 + g2);
    o[2 * t] = 0.5f * (g0 - g1 + g2);
    o[3 * t] = g2;
  } else {
    o[0] = 0.25f * g0;
    o[t] = -(g0 + g1 + g2) / 6.0f;
    o[2 * t] = -(g0 - g1 + g2) / 6.0f;
    o[3 * t] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
    o[4 * t] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
    o[5 * t] = g2;
  }
}

// ---- tiles ----

// Bᵀ d B of the a×a input tile at (row0, col0) of image b, for every group of 4 channels, into
// V[ξ][tile][0..cp). Positions outside the image are zeros (the convolution's padding).
static inline __attribute__((always_inline)) void input_tile(int m, const float* x, int h, int w, int c, int row0, int col0, float* v, int plane) {
  int a = m + 2;
  V d[36], e[36], f[36];
  int inside = row0 >= 0 && col0 >= 0 && row0 + a <= h && col0 + a <= w;
  for (int g = 0; g < c; g += 4) {
    int count = c - g;
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < a; r++) {
      int row = row0 + r;
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < a; s++) {
        int col = col0 + s;
        if (inside || (row >= 0 && row < h && col >= 0 && col < w))
          d[r * a + s] = load_channels(x + (row * w + col) * c + g, count);
        else
          d[r * a + s] = wasm_f32x4_splat(0.0f);
      }
    }
    if (m == 2) {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < 4; s++) input_1d_4(d + s, 4, e + s, 4);
      _Pragma("clang loop unroll(full)")
      for (int r = 0; r < 4; r++) input_1d_4(e + 4 * r, 1, f + 4 * r, 1);
    } else {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < 6; s++) input_1d_6(d + s, 6, e + s, 6);
      _Pragma("clang loop unroll(full)")
      for (int r = 0; r < 6; r++) input_1d_6(e + 6 * r, 1, f + 6 * r, 1);
    }
    _Pragma("clang loop unroll(full)")
    for (int xi = 0; xi < a * a; xi++) wasm_v128_store(v + xi * plane + g, f[xi]);
  }
}

// A dy Aᵀ of the m×m output-gradient tile at (row0, col0), into Y[ξ][tile][0..kp).
static inline __attribute__((always_inline)) void gradient_tile(int m, const float* dy, int oh, int ow, int k, int row0, int col0, float* y, int plane) {
  int a = m + 2;
  V d[16], e[36], f[36];
  for (int g = 0; g < k; g += 4) {
    int count = k - g;
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < m; r++) {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < m; s++) {
        int row = row0 + r, col = col0 + s;
        d[r * m + s] = row < oh && col < ow ? load_channels(dy + (row * ow + col) * k + g, count) : wasm_f32x4_splat(0.0f);
      }
    }
    if (m == 2) {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < 2; s++) gradient_1d_4(d + s, 2, e + s, 2);
      _Pragma("clang loop unroll(full)")
      for (int r = 0; r < 4; r++) gradient_1d_4(e + 2 * r, 1, f + 4 * r, 1);
    } else {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < 4; s++) gradient_1d_6(d + s, 4, e + s, 4);
      _Pragma("clang loop unroll(full)")
      for (int r = 0; r < 6; r++) gradient_1d_6(e + 4 * r, 1, f + 6 * r, 1);
    }
    _Pragma("clang loop unroll(full)")
    for (int xi = 0; xi < a * a; xi++) wasm_v128_store(y + xi * plane + g, f[xi]);
  }
}

// Aᵀ M A of one tile's products, M[ξ][tile][0..kp), into the m×m outputs at (row0, col0).
static inline __attribute__((always_inline)) void output_tile(int m, const float* mm, int plane, float* y, int oh, int ow, int k, int row0, int col0) {
  int a = m + 2;
  V d[36], e[24], f[16];
  for (int g = 0; g < k; g += 4) {
    int count = k - g;
    _Pragma("clang loop unroll(full)")
    for (int xi = 0; xi < a * a; xi++) d[xi] = wasm_v128_load(mm + xi * plane + g);
    if (m == 2) {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < 4; s++) output_1d_4(d + s, 4, e + s, 4);
      _Pragma("clang loop unroll(full)")
      for (int r = 0; r < 2; r++) output_1d_4(e + 4 * r, 1, f + 2 * r, 1);
    } else {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < 6; s++) output_1d_6(d + s, 6, e + s, 6);
      _Pragma("clang loop unroll(full)")
      for (int r = 0; r < 4; r++) output_1d_6(e + 6 * r, 1, f + 4 * r, 1);
    }
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < m; r++) {
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < m; s++) {
        int row = row0 + r, col = col0 + s;
        if (row < oh && col < ow) store_channels(y + (row * ow + col) * k + g, f[r * m + s], count);
      }
    }
  }
}

// ---- the products per tile position ξ ----

// out[r][0..16) (row stride ko) = Σ_j left[r][j] (row stride lo) · right[j][0..16) (row stride ro), r < 4;
// `accumulate` adds to out. Four rows × 16 columns stay in registers while j runs.
static void product4x16(const float* left, int lo, int lj, const float* right, int ro, int depth, float* out, int ko, int accumulate) {
  V a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33;
  if (accumulate) {
    a00 = wasm_v128_load(out), a01 = wasm_v128_load(out + 4), a02 = wasm_v128_load(out + 8), a03 = wasm_v128_load(out + 12);
    a10 = wasm_v128_load(out + ko), a11 = wasm_v128_load(out + ko + 4), a12 = wasm_v128_load(out + ko + 8), a13 = wasm_v128_load(out + ko + 12);
    a20 = wasm_v128_load(out + 2 * ko), a21 = wasm_v128_load(out + 2 * ko + 4), a22 = wasm_v128_load(out + 2 * ko + 8), a23 = wasm_v128_load(out + 2 * ko + 12);
    a30 = wasm_v128_load(out + 3 * ko), a31 = wasm_v128_load(out + 3 * ko + 4), a32 = wasm_v128_load(out + 3 * ko + 8), a33 = wasm_v128_load(out + 3 * ko + 12);
  } else {
    a00 = a01 = a02 = a03 = a10 = a11 = a12 = a13 = a20 = a21 = a22 = a23 = a30 = a31 = a32 = a33 = wasm_f32x4_splat(0.0f);
  }
  for (int j = 0; j < depth; j++) {
    const float* q = right + j * ro;
    V u0 = wasm_v128_load(q), u1 = wasm_v128_load(q + 4), u2 = wasm_v128_load(q + 8), u3 = wasm_v128_load(q + 12);
    const float* p = left + j * lj;
    V x0 = wasm_v128_load32_splat(p), x1 = wasm_v128_load32_splat(p + lo), x2 = wasm_v128_load32_splat(p + 2 * lo), x3 = wasm_v128_load32_splat(p + 3 * lo);
    MULTIPLY_ADD(a00, x0, u0); MULTIPLY_ADD(a01, x0, u1); MULTIPLY_ADD(a02, x0, u2); MULTIPLY_ADD(a03, x0, u3);
    MULTIPLY_ADD(a10, x1, u0); MULTIPLY_ADD(a11, x1, u1); MULTIPLY_ADD(a12, x1, u2); MULTIPLY_ADD(a13, x1, u3);
    MULTIPLY_ADD(a20, x2, u0); MULTIPLY_ADD(a21, x2, u1); MULTIPLY_ADD(a22, x2, u2); MULTIPLY_ADD(a23, x2, u3);
    MULTIPLY_ADD(a30, x3, u0); MULTIPLY_ADD(a31, x3, u1); MULTIPLY_ADD(a32, x3, u2); MULTIPLY_ADD(a33, x3, u3);
  }
  wasm_v128_store(out, a00); wasm_v128_store(out + 4, a01); wasm_v128_store(out + 8, a02); wasm_v128_store(out + 12, a03);
  wasm_v128_store(out + ko, a10); wasm_v128_store(out + ko + 4, a11); wasm_v128_store(out + ko + 8, a12); wasm_v128_store(out + ko + 12, a13);
  wasm_v128_store(out + 2 * ko, a20); wasm_v128_store(out + 2 * ko + 4, a21); wasm_v128_store(out + 2 * ko + 8, a22); wasm_v128_store(out + 2 * ko + 12, a23);
  wasm_v128_store(out + 3 * ko, a30); wasm_v128_store(out + 3 * ko + 4, a31); wasm_v128_store(out + 3 * ko + 8, a32); wasm_v128_store(out + 3 * ko + 12, a33);
}

// 4 rows × 8 columns: 8 accumulators, 2 right vectors and 4 broadcasts fit the 16 SIMD registers of x86-64.
static void product4x8(const float* left, int lo, int lj, const float* right, int ro, int depth, float* out, int ko, int accumulate) {
  V a00, a01, a10, a11, a20, a21, a30, a31;
  if (accumulate) {
    a00 = wasm_v128_load(out), a01 = wasm_v128_load(out + 4);
    a10 = wasm_v128_load(out + ko), a11 = wasm_v128_load(out + ko + 4);
    a20 = wasm_v128_load(out + 2 * ko), a21 = wasm_v128_load(out + 2 * ko + 4);
    a30 = wasm_v128_load(out + 3 * ko), a31 = wasm_v128_load(out + 3 * ko + 4);
  } else {
    a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = wasm_f32x4_splat(0.0f);
  }
  for (int j = 0; j < depth; j++) {
    const float* q = right + j * ro;
    V u0 = wasm_v128_load(q), u1 = wasm_v128_load(q + 4);
    const float* p = left + j * lj;
    V x0 = wasm_v128_load32_splat(p), x1 = wasm_v128_load32_splat(p + lo), x2 = wasm_v128_load32_splat(p + 2 * lo), x3 = wasm_v128_load32_splat(p + 3 * lo);
    MULTIPLY_ADD(a00, x0, u0); MULTIPLY_ADD(a01, x0, u1);
    MULTIPLY_ADD(a10, x1, u0); MULTIPLY_ADD(a11, x1, u1);
    MULTIPLY_ADD(a20, x2, u0); MULTIPLY_ADD(a21, x2, u1);
    MULTIPLY_ADD(a30, x3, u0); MULTIPLY_ADD(a31, x3, u1);
  }
  wasm_v128_store(out, a00); wasm_v128_store(out + 4, a01);
  wasm_v128_store(out + ko, a10); wasm_v128_store(out + ko + 4, a11);
  wasm_v128_store(out + 2 * ko, a20); wasm_v128_store(out + 2 * ko + 4, a21);
  wasm_v128_store(out + 3 * ko, a30); wasm_v128_store(out + 3 * ko + 4, a31);
}

// The same for 4 rows × 4 columns (the columns left after blocks of 16).
static void product4x4(const float* left, int lo, int lj, const float* right, int ro, int depth, float* out, int ko, int accumulate) {
  V a0, a1, a2, a3;
  if (accumulate) {
    a0 = wasm_v128_load(out), a1 = wasm_v128_load(out + ko), a2 = wasm_v128_load(out + 2 * ko), a3 = wasm_v128_load(out + 3 * ko);
  } else {
    a0 = a1 = a2 = a3 = wasm_f32x4_splat(0.0f);
  }
  for (int j = 0; j < depth; j++) {
    V u = wasm_v128_load(right + j * ro);
    const float* p = left + j * lj;
    MULTIPLY_ADD(a0, wasm_v128_load32_splat(p), u);
    MULTIPLY_ADD(a1, wasm_v128_load32_splat(p + lo), u);
    MULTIPLY_ADD(a2, wasm_v128_load32_splat(p + 2 * lo), u);
    MULTIPLY_ADD(a3, wasm_v128_load32_splat(p + 3 * lo), u);
  }
  wasm_v128_store(out, a0); wasm_v128_store(out + ko, a1); wasm_v128_store(out + 2 * ko, a2); wasm_v128_store(out + 3 * ko, a3);
}

// out (rows × cols, row stride ko) (+)= left · right, rows % 4 == 0, cols % 4 == 0. left[r][j] is at
// left + r·lo + j·lj, right[j][c] at right + j·ro + c.
static void product(const float* left, int lo, int lj, const float* right, int ro, int rows, int depth, int cols, float* out, int ko, int accumulate) {
  for (int r = 0; r < rows; r += 4) {
    int c = 0;
    for (; c + 8 <= cols; c += 8) product4x8(left + r * lo, lo, lj, right + c, ro, depth, out + r * ko + c, ko, accumulate);
    for (; c < cols; c += 4) product4x4(left + r * lo, lo, lj, right + c, ro, depth, out + r * ko + c, ko, accumulate);
  }
}

// ---- exported kernels ----

/** Floats of scratch the kernels need for tile size m, channels in/out and a block of `block` tiles. */
__attribute__((export_name("winograd_scratch_floats")))
int winograd_scratch_floats(int m, int ci, int co, int block) {
  int a2 = (m + 2) * (m + 2);
  int cp = round4(ci), kp = round4(co), tb = round4(block);
  // forward: V [a²][T][cp] + M [a²][T][kp]; filter gradient: V + Y [a²][T][kp] + M [a²][cp][kp].
  return a2 * tb * (cp + kp) + a2 * cp * kp;
}

/**
 * U[ξ][r][0..kp) = G g Gᵀ of the 3×3 filter w [3][3][ci][co]: r runs over input channels and the
 * columns over output channels (transposed = 0), or, for the input gradient, r over output channels
 * and the columns over input channels of the filter flipped in both spatial axes (transposed = 1).
 * Columns beyond the count are zeros.
 */
static inline __attribute__((always_inline)) void filter_transform_body(const float* w, float* u, int m, int ci, int co, int transposed) {
  int a = m + 2;
  int rows = transposed ? co : ci, cols = transposed ? ci : co, kp = round4(cols);
  float g[9], e[18], f[36];
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < kp; c++) {
      if (c >= cols) {
        _Pragma("clang loop unroll(full)")
        for (int xi = 0; xi < a * a; xi++) u[(xi * rows + r) * kp + c] = 0.0f;
        continue;
      }
      _Pragma("clang loop unroll(full)")
      for (int i = 0; i < 3; i++)
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < 3; j++)
          g[i * 3 + j] = transposed ? w[(((2 - i) * 3 + (2 - j)) * ci + c) * co + r] : w[((i * 3 + j) * ci + r) * co + c];
      _Pragma("clang loop unroll(full)")
      for (int j = 0; j < 3; j++) filter_in_1d(m, g + j, 3, e + j, 3);
      _Pragma("clang loop unroll(full)")
      for (int s = 0; s < a; s++) filter_in_1d(m, e + 3 * s, 1, f + a * s, 1);
      _Pragma("clang loop unroll(full)")
      for (int xi = 0; xi < a * a; xi++) u[(xi * rows + r) * kp + c] = f[xi];
    }
  }
}

/**
 * y [n][oh][ow][co] = the 3×3 stride-1 correlation of x [n][h][w][ci] with the filter whose
 * transform is u (winograd_filter_transform, transposed = 0), the input padded by top and left
 * (output (p, q) reads input rows p − top … p − top + 2). Also the input gradient: x = dy,
 * u transposed, top = 2 − the forward top.
 */
static inline __attribute__((always_inline)) void convolution_body(const float* x, const float* u, float* y, float* scratch, int m,
                          int n, int h, int w, int ci, int oh, int ow, int co, int top, int left, int block) {
  int a2 = (m + 2) * (m + 2);
  int cp = round4(ci), kp = round4(co), tb = round4(block);
  int th = (oh + m - 1) / m, tw = (ow + m - 1) / m, total = n * th * tw;
  float* v = scratch;
  float* mm = scratch + a2 * tb * cp;
  for (int t0 = 0; t0 < total; t0 += tb) {
    int count = total - t0 < tb ? total - t0 : tb;
    for (int t = 0; t < count; t++) {
      int tile = t0 + t, b = tile / (th * tw), rest = tile % (th * tw), tp = rest / tw, tq = rest % tw;
      input_tile(m, x + b * h * w * ci, h, w, ci, tp * m - top, tq * m - left, v + t * cp, tb * cp);
    }
    int rows = round4(count);
    // Rows past `count` hold stale values; their products are never transformed out.
    _Pragma("clang loop unroll(disable)")
    for (int xi = 0; xi < a2; xi++)
      product(v + xi * tb * cp, cp, 1, u + xi * ci * kp, kp, rows, ci, kp, mm + xi * tb * kp, kp, 0);
    for (int t = 0; t < count; t++) {
      int tile = t0 + t, b = tile / (th * tw), rest = tile % (th * tw), tp = rest / tw, tq = rest % tw;
      output_tile(m, mm + t * kp, tb * kp, y + b * oh * ow * co, oh, ow, co, tp * m, tq * m);
    }
  }
}

/**
 * dw [3][3][ci][co] = Σ over n, p, q of x[n][p − top + i][q − left + j][·] ⊗ dy[n][p][q][·]: the
 * filter gradient of the stride-1 convolution above, Winograd over tiles of dy.
 */
static inline __attribute__((always_inline)) void filter_gradient_body(const float* x, const float* dy, float* dw, float* scratch, int m,
                              int n, int h, int w, int ci, int oh, int ow, int co, int top, int left, int block) {
  int a = m + 2, a2 = a * a;
  int cp = round4(ci), kp = round4(co), tb = round4(block);
  int th = (oh + m - 1) / m, tw = (ow + m - 1) / m, total = n * th * tw;
  float* v = scratch;
  float* g = v + a2 * tb * cp;
  float* acc = g + a2 * tb * kp;
  for (int i = 0; i < a2 * cp * kp; i++) acc[i] = 0.0f;
  for (int t0 = 0; t0 < total; t0 += tb) {
    int count = total - t0 < tb ? total - t0 : tb;
    for (int t = 0; t < count; t++) {
      int tile = t0 + t, b = tile / (th * tw), rest = tile % (th * tw), tp = rest / tw, tq = rest % tw;
      input_tile(m, x + b * h * w * ci, h, w, ci, tp * m - top, tq * m - left, v + t * cp, tb * cp);
      gradient_tile(m, dy + b * oh * ow * co, oh, ow, co, tp * m, tq * m, g + t * kp, tb * kp);
    }
    // acc[ξ] (cp × kp) += V[ξ]ᵀ (cp × count) · Y[ξ] (count × kp).
    _Pragma("clang loop unroll(disable)")
    for (int xi = 0; xi < a2; xi++)
      product(v + xi * tb * cp, 1, cp, g + xi * tb * kp, kp, cp, count, kp, acc + xi * cp * kp, kp, 1);
  }
  V d[36], e[18], f[9];
  for (int c = 0; c < ci; c++) {
    for (int k = 0; k < co; k += 4) {
      _Pragma("clang loop unroll(full)")
      for (int xi = 0; xi < a2; xi++) d[xi] = wasm_v128_load(acc + (xi * cp + c) * kp + k);
      if (m == 2) {
        _Pragma("clang loop unroll(full)")
        for (int s = 0; s < 4; s++) filter_out_1d_4(d + s, 4, e + s, 4);
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < 3; r++) filter_out_1d_4(e + 4 * r, 1, f + 3 * r, 1);
      } else {
        _Pragma("clang loop unroll(full)")
        for (int s = 0; s < 6; s++) filter_out_1d_6(d + s, 6, e + s, 6);
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < 3; r++) filter_out_1d_6(e + 6 * r, 1, f + 3 * r, 1);
      }
      _Pragma("clang loop unroll(full)")
      for (int i = 0; i < 3; i++)
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < 3; j++) store_channels(dw + ((i * 3 + j) * ci + c) * co + k, f[i * 3 + j], co - k);
    }
  }
}

__attribute__((export_name("winograd_filter_transform")))
void winograd_filter_transform(const float* w, float* u, int m, int ci, int co, int transposed) {
  if (m == 2)
    filter_transform_body(w, u, 2, ci, co, transposed);
  else
    filter_transform_body(w, u, 4, ci, co, transposed);
}

__attribute__((export_name("winograd_convolution")))
void winograd_convolution(const float* x, const float* u, float* y, float* scratch, int m, int n, int h, int w, int ci, int oh, int ow, int co, int top, int left, int block) {
  if (m == 2)
    convolution_body(x, u, y, scratch, 2, n, h, w, ci, oh, ow, co, top, left, block);
  else
    convolution_body(x, u, y, scratch, 4, n, h, w, ci, oh, ow, co, top, left, block);
}

__attribute__((export_name("winograd_filter_gradient")))
void winograd_filter_gradient(const float* x, const float* dy, float* dw, float* scratch, int m, int n, int h, int w, int ci, int oh, int ow, int co, int top, int left, int block) {
  if (m == 2)
    filter_gradient_body(x, dy, dw, scratch, 2, n, h, w, ci, oh, ow, co, top, left, block);
  else
    filter_gradient_body(x, dy, dw, scratch, 4, n, h, w, ci, oh, ow, co, top, left, block);
}
