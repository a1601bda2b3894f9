// Plain (unquantized) types: f32, f16, bf16. Encoding rounds to nearest even (aq::f32_to_fp16 /
// f32_to_bf16, the same results as ggml's ggml_fp32_to_fp16_row / ggml_fp32_to_bf16_row_ref for
// every non-NaN input); decoding is exact (fp16 signalling NaNs come out quiet, as in ggml).
#include <cstring>

#include "gguf/codec_internal.h"

namespace aq::gguf::codec {

const float kUnitWeights[256] = {
#define AQ_ONE8 1.f, 1.f, 1.f, 1.f, 1.f, 1.f, 1.f, 1.f
#define AQ_ONE64 AQ_ONE8, AQ_ONE8, AQ_ONE8, AQ_ONE8, AQ_ONE8, AQ_ONE8, AQ_ONE8, AQ_ONE8
    AQ_ONE64, AQ_ONE64, AQ_ONE64, AQ_ONE64
#undef AQ_ONE64
#undef AQ_ONE8
};

void quantize_f32(const float* x, int64_t n, void* out, const float*) {
  if (n > 0) std::memcpy(out, x, std::size_t(n) * sizeof(float));
}
void dequantize_f32(const void* in, int64_t n, float* out) {
  if (n > 0) std::memcpy(out, in, std::size_t(n) * sizeof(float));
}

void quantize_f16(const float* x, int64_t n, void* out, const float*) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t i = 0; i < n; ++i) {
    const uint16_t h = f32_to_fp16(x[i]);
    std::memcpy(o + 2 * i, &h, 2);
  }
}
void dequantize_f16(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    out[i] = half_to_f32(h);
  }
}

void quantize_bf16(const float* x, int64_t n, void* out, const float*) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t i = 0; i < n; ++i) {
    const uint16_t h = f32_to_bf16(x[i]);
    std::memcpy(o + 2 * i, &h, 2);
  }
}
void dequantize_bf16(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    out[i] = bf16_to_f32(h);
  }
}

}  // namespace aq::gguf::codec
