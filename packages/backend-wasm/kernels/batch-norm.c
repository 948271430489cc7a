// Training-mode batch normalisation (with an optional ReLU) over channels-last data: m positions
// (N·H·W) of c channels. tfjs composes it from about a dozen elementwise passes and reductions;
// here the forward pass reads x twice and writes y once, the backward pass reads its inputs
// twice and writes dx once. The statistics are taken in blocks of 256 positions: a block's
// mean, then its sum of squared deviations from that mean (the block is still in cache), then
// the blocks are combined (Chan, Golub and LeVeque's update), which keeps float32 rounding near
// that of a pairwise sum. Channels are summed 16 (or 8) at a time in vector registers across
// the rows of a block. No stack, no static data: the kernels run inside memory that tfjs owns,
// and their temporaries live in buffers the caller passes.
//
// Build: packages/backend-wasm/scripts/build-kernels.sh (clang ≥ 14 and wasm-ld).

#include <wasm_simd128.h>

#define BLOCK 256

// out[k] = Σ over rows [start, end) of x(row, k) − shift[k] (shift null: 0), squared if `square`.
static void block_sums(const float* x, const float* shift, int square, int start, int end, int c, float* out) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 16 <= c; k += 16) {
    v128_t a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    v128_t s0 = shift ? wasm_v128_load(shift + k) : zero, s1 = shift ? wasm_v128_load(shift + k + 4) : zero;
    v128_t s2 = shift ? wasm_v128_load(shift + k + 8) : zero, s3 = shift ? wasm_v128_load(shift + k + 12) : zero;
    for (int row = start; row < end; row++) {
      const float* p = x + row * c + k;
      v128_t v0 = wasm_f32x4_sub(wasm_v128_load(p), s0), v1 = wasm_f32x4_sub(wasm_v128_load(p + 4), s1);
      v128_t v2 = wasm_f32x4_sub(wasm_v128_load(p + 8), s2), v3 = wasm_f32x4_sub(wasm_v128_load(p + 12), s3);
      if (square) {
        v0 = wasm_f32x4_mul(v0, v0);
        v1 = wasm_f32x4_mul(v1, v1);
        v2 = wasm_f32x4_mul(v2, v2);
        v3 = wasm_f32x4_mul(v3, v3);
      }
      a0 = wasm_f32x4_add(a0, v0);
      a1 = wasm_f32x4_add(a1, v1);
      a2 = wasm_f32x4_add(a2, v2);
      a3 = wasm_f32x4_add(a3, v3);
    }
    wasm_v128_store(out + k, a0);
    wasm_v128_store(out + k + 4, a1);
    wasm_v128_store(out + k + 8, a2);
    wasm_v128_store(out + k + 12, a3);
  }
  for (; k + 4 <= c; k += 4) {
    v128_t a = zero;
    v128_t s = shift ? wasm_v128_load(shift + k) : zero;
    for (int row = start; row < end; row++) {
      v128_t v = wasm_f32x4_sub(wasm_v128_load(x + row * c + k), s);
      a = wasm_f32x4_add(a, square ? wasm_f32x4_mul(v, v) : v);
    }
    wasm_v128_store(out + k, a);
  }
  for (; k < c; k++) {
    float a = 0.0f;
    float s = shift ? shift[k] : 0.0f;
    for (int row = start; row < end; row++) {
      float v = x[row * c + k] - s;
      a += square ? v * v : v;
    }
    out[k] = a;
  }
}

// g = dz, masked by z > 0 if relu; over rows [start, end): sums[k] = Σ g, products[k] = Σ g·(x − mean).
static void block_gradient_sums(const float* x, const float* mean, const float* z, const float* dz, int relu, int start, int end, int c,
                                float* sums, float* products) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + 8 <= c; k += 8) {
    v128_t g0 = zero, g1 = zero, p0 = zero, p1 = zero;
    v128_t m0 = wasm_v128_load(mean + k), m1 = wasm_v128_load(mean + k + 4);
    for (int row = start; row < end; row++) {
      int at = row * c + k;
      v128_t d0 = wasm_v128_load(dz + at), d1 = wasm_v128_load(dz + at + 4);
      if (relu) {
        d0 = wasm_v128_and(d0, wasm_f32x4_gt(wasm_v128_load(z + at), zero));
        d1 = wasm_v128_and(d1, wasm_f32x4_gt(wasm_v128_load(z + at + 4), zero));
      }
      g0 = wasm_f32x4_add(g0, d0);
      g1 = wasm_f32x4_add(g1, d1);
      p0 = wasm_f32x4_add(p0, wasm_f32x4_mul(d0, wasm_f32x4_sub(wasm_v128_load(x + at), m0)));
      p1 = wasm_f32x4_add(p1, wasm_f32x4_mul(d1, wasm_f32x4_sub(wasm_v128_load(x + at + 4), m1)));
    }
    wasm_v128_store(sums + k, g0);
    wasm_v128_store(sums + k + 4, g1);
    wasm_v128_store(products + k, p0);
    wasm_v128_store(products + k + 4, p1);
  }
  for (; k < c; k++) {
    float g = 0.0f, p = 0.0f;
    for (int row = start; row < end; row++) {
      float d = dz[row * c + k];
      if (relu && !(z[row * c + k] > 0.0f)) d = 0.0f;
      g += d;
      p += d * (x[row * c + k] - mean[k]);
    }
    sums[k] = g;
    products[k] = p;
  }
}

// y = relu?(gamma·(x − mean)/sqrt(variance + epsilon) + beta); mean and the biased variance are
// outputs. scratch: 3c floats.
__attribute__((export_name("batch_norm_forward")))
void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* variance,
                        float* scratch, int m, int c, float epsilon, int relu) {
  float* scale = scratch;
  float* partial = scratch + c;
  float* block_mean = scratch + 2 * c;
  // mean and variance hold the running mean and sum of squared deviations of the blocks so far.
  for (int k = 0; k < c; k++) mean[k] = variance[k] = 0.0f;
  for (int start = 0; start < m; start += BLOCK) {
    int end = start + BLOCK < m ? start + BLOCK : m;
    float before = (float)start, size = (float)(end - start), total = (float)end;
    block_sums(x, 0, 0, start, end, c, partial);
    for (int k = 0; k < c; k++) block_mean[k] = partial[k] / size;
    block_sums(x, block_mean, 1, start, end, c, partial);
    for (int k = 0; k < c; k++) {
      float delta = block_mean[k] - mean[k];
      mean[k] += delta * (size / total);
      variance[k] += partial[k] + delta * delta * (before * size / total);
    }
  }
  for (int k = 0; k < c; k++) {
    variance[k] /= (float)m;
    scale[k] = gamma[k] / __builtin_sqrtf(variance[k] + epsilon);
  }
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int row = 0; row < m; row++) {
    const float* xr = x + row * c;
    float* yr = y + row * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t centered = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k));
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(centered, wasm_v128_load(scale + k)), wasm_v128_load(beta + k));
      if (relu) v = wasm_f32x4_max(v, zero);
      wasm_v128_store(yr + k, v);
    }
    for (; k < c; k++) {
      float v = (xr[k] - mean[k]) * scale[k] + beta[k];
      yr[k] = relu && !(v > 0.0f) ? 0.0f : v;
    }
  }
}

// With g = dz (masked where z = y ≤ 0 if relu), x̄ = x − mean, s = 1/sqrt(variance + epsilon):
// dgamma = s·Σ g·x̄, dbeta = Σ g, dx = gamma·s·(g − Σg/m − x̄·s²·Σ(g·x̄)/m). scratch: 5c floats.
__attribute__((export_name("batch_norm_backward")))
void batch_norm_backward(const float* x, const float* z, const float* dz, const float* mean, const float* variance,
                         const float* gamma, float* dx, float* dgamma, float* dbeta, float* scratch,
                         int m, int c, float epsilon, int relu) {
  float* k1 = scratch;
  float* k2 = scratch + c;
  float* k3 = scratch + 2 * c;
  float* sums = scratch + 3 * c;
  float* products = scratch + 4 * c;
  for (int k = 0; k < c; k++) dbeta[k] = dgamma[k] = 0.0f;
  for (int start = 0; start < m; start += BLOCK) {
    int end = start + BLOCK < m ? start + BLOCK : m;
    block_gradient_sums(x, mean, z, dz, relu, start, end, c, sums, products);
    for (int k = 0; k < c; k++) {
      dbeta[k] += sums[k];
      dgamma[k] += products[k];
    }
  }
  for (int k = 0; k < c; k++) {
    float s = 1.0f / __builtin_sqrtf(variance[k] + epsilon);
    float a = gamma[k] * s;
    k1[k] = a;
    k2[k] = -a * s * s * dgamma[k] / (float)m;
    k3[k] = -a * dbeta[k] / (float)m;
    dgamma[k] *= s;
  }
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int row = 0; row < m; row++) {
    const float* xr = x + row * c;
    const float* gr = dz + row * c;
    const float* zr = z + row * c;
    float* out = dx + row * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t g = wasm_v128_load(gr + k);
      if (relu) g = wasm_v128_and(g, wasm_f32x4_gt(wasm_v128_load(zr + k), zero));
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(k1 + k), g),
                                wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(k2 + k), wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k))), wasm_v128_load(k3 + k)));
      wasm_v128_store(out + k, v);
    }
    for (; k < c; k++) {
      float g = gr[k];
      if (relu && !(zr[k] > 0.0f)) g = 0.0f;
      out[k] = k1[k] * g + k2[k] * (xr[k] - mean[k]) + k3[k];
    }
  }
}
