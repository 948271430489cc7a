// Training-mode batch normalisation (with an optional ReLU) over channels-last data: m positions
// (N·H·W) of c channels. tfjs composes it from about a dozen elementwise passes and reductions;
// here the forward pass reads x three times and writes y once, the backward pass reads its
// inputs twice and writes dx once. Channel sums are taken in blocks of 256 positions, each
// block's partial sum added to the total, which keeps float32 rounding near that of a pairwise
// sum. No stack, no static data: the kernels run inside memory that tfjs owns, and their
// temporaries live in buffers the caller passes.
//
// Build: packages/backend-wasm/scripts/build-kernels.sh (clang ≥ 14 and wasm-ld).

#include <wasm_simd128.h>

#define BLOCK 256

// total[k] += sum over rows of value(row, k), k < c; `partial` holds c floats of scratch.
// mode 0: x; mode 1: (x - mean)^2; mode 2: g; mode 3: g·(x - mean), g = dz masked by z > 0 if relu.
static void channel_sums(int mode, const float* x, const float* mean, const float* z, const float* dz, int relu,
                         int m, int c, float* total, float* partial) {
  for (int k = 0; k < c; k++) total[k] = 0.0f;
  for (int start = 0; start < m; start += BLOCK) {
    int end = start + BLOCK < m ? start + BLOCK : m;
    for (int k = 0; k < c; k++) partial[k] = 0.0f;
    for (int row = start; row < end; row++) {
      const float* xr = x + row * c;
      int k = 0;
      for (; k + 4 <= c; k += 4) {
        v128_t v;
        if (mode == 0) {
          v = wasm_v128_load(xr + k);
        } else if (mode == 1) {
          v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k));
          v = wasm_f32x4_mul(d, d);
        } else {
          v128_t g = wasm_v128_load(dz + row * c + k);
          if (relu) g = wasm_v128_and(g, wasm_f32x4_gt(wasm_v128_load(z + row * c + k), wasm_f32x4_splat(0.0f)));
          v = mode == 2 ? g : wasm_f32x4_mul(g, wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k)));
        }
        wasm_v128_store(partial + k, wasm_f32x4_add(wasm_v128_load(partial + k), v));
      }
      for (; k < c; k++) {
        float v;
        if (mode == 0) v = xr[k];
        else if (mode == 1) v = (xr[k] - mean[k]) * (xr[k] - mean[k]);
        else {
          float g = dz[row * c + k];
          if (relu && !(z[row * c + k] > 0.0f)) g = 0.0f;
          v = mode == 2 ? g : g * (xr[k] - mean[k]);
        }
        partial[k] += v;
      }
    }
    for (int k = 0; k < c; k++) total[k] += partial[k];
  }
}

// y = relu?(gamma·(x − mean)/sqrt(variance + epsilon) + beta); mean and the biased variance are
// outputs. scratch: 2c floats.
__attribute__((export_name("batch_norm_forward")))
void batch_norm_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* variance,
                        float* scratch, int m, int c, float epsilon, int relu) {
  float* scale = scratch;
  float* partial = scratch + c;
  channel_sums(0, x, 0, 0, 0, 0, m, c, mean, partial);
  for (int k = 0; k < c; k++) mean[k] /= (float)m;
  channel_sums(1, x, mean, 0, 0, 0, m, c, variance, partial);
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
// dgamma = s·Σ g·x̄, dbeta = Σ g, dx = gamma·s·(g − Σg/m − x̄·s²·Σ(g·x̄)/m). scratch: 4c floats.
__attribute__((export_name("batch_norm_backward")))
void batch_norm_backward(const float* x, const float* z, const float* dz, const float* mean, const float* variance,
                         const float* gamma, float* dx, float* dgamma, float* dbeta, float* scratch,
                         int m, int c, float epsilon, int relu) {
  float* k1 = scratch;
  float* k2 = scratch + c;
  float* k3 = scratch + 2 * c;
  float* partial = scratch + 3 * c;
  channel_sums(2, x, mean, z, dz, relu, m, c, dbeta, partial);
  channel_sums(3, x, mean, z, dz, relu, m, c, dgamma, partial);
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
