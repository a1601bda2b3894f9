// The symmetric K types' super-block encoder (q3_k, q6_k: value = (d * sc) * q, q in [-Q, Q-1],
// sc in [-T, T-1]), steps 1-5 of codec_k_search.h with a signed scale and no min.
#include <cmath>
#include <cstring>

#include "gguf/codec_k_search.h"

namespace aq::gguf::codec {
namespace {

template <int Q>
void sym_sub_codes(const float* x, int n, float S, int8_t* q) {
  const float inv = std::fabs(S) >= kTinyScale ? 1.0f / S : 0.0f;
  for (int i = 0; i < n; ++i) q[i] = int8_t(clampf(round_even(x[i] * inv), float(-Q), float(Q - 1)));
}

/// Least-squares scale for the codes round(x * iscale); returns the error and the scale.
template <int Q>
float sym_fit(const float* x, const float* w, int n, float iscale, float swxx, float& s) {
  float lqq[8] = {}, lxq[8] = {};
  for (int i = 0; i < n; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float q = clampf(round_even(x[i + j] * iscale), float(-Q), float(Q - 1));
      const float wq = w[i + j] * q;
      lqq[j] += wq * q;
      lxq[j] += wq * x[i + j];
    }
  const float sqq = lane_sum8(lqq), sxq = lane_sum8(lxq);
  if (!(sqq > 0)) {
    s = 0;
    return swxx;
  }
  s = sxq / sqq;
  return swxx - s * sxq;
}

template <int Q>
float sym_sub_search(const float* x, const float* w, int n) {
  float amax = 0, max = 0, swxx = 0;
  for (int i = 0; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (a > amax) { amax = a; max = x[i]; }
    swxx += w[i] * x[i] * x[i];
  }
  if (!(amax >= kTinyScale) || !std::isfinite(amax)) return 0;
  constexpr int kSteps = Q <= 4 ? 8 : 6;
  constexpr float kT0 = Q <= 4 ? -0.4f : -1.0f, kDt = Q <= 4 ? 0.2f : 0.4f;
  float best_err = INFINITY, best = 0;
  for (int k = 0; k < kSteps; ++k) {
    const float t = kT0 + kDt * float(k);
    float s;
    float e = sym_fit<Q>(x, w, n, -(float(Q) + t) / max, swxx, s);  // max on the -Q side
    if (e < best_err) { best_err = e; best = s; }
    e = sym_fit<Q>(x, w, n, (float(Q - 1) + t) / max, swxx, s);  // max on the Q-1 side
    if (e < best_err) { best_err = e; best = s; }
  }
  if (best != 0) {
    float s;
    const float e = sym_fit<Q>(x, w, n, 1.0f / best, swxx, s);
    if (e < best_err) best = s;
  }
  return best;
}

}  // namespace

template <int Q, int T>
void encode_sym_k(const float* x, const float* w, uint16_t& d_out, int* sc, int8_t* q) {
  constexpr int SUB = 16, NS = kQK_K / SUB;
  float sub[NS];
  float smax = 0, smin = 0;
  for (int s = 0; s < NS; ++s) {
    sub[s] = sym_sub_search<Q>(x + s * SUB, w + s * SUB, SUB);
    smax = sub[s] > smax ? sub[s] : smax;
    smin = sub[s] < smin ? sub[s] : smin;
  }
  // d > 0 needs sub/d in [-T, T-1]; d < 0 mirrors it. Take the finer.
  const float dpos = std::fmax(-smin / float(T), smax / float(T - 1));
  const float dneg = std::fmax(smax / float(T), -smin / float(T - 1));
  uint16_t hd = dpos <= dneg ? f32_to_fp16_sat(dpos) : f32_to_fp16_sat(-dneg);
  int bsc[NS];
  float best = INFINITY;
  uint16_t best_hd = hd;
  for (int round = 0; round < 2; ++round) {
    const float D = half_to_f32(hd);
    float err = 0;
    int tsc[NS];
    for (int s = 0; s < NS; ++s) {
      const float f = std::fabs(D) >= kTinyScale ? sub[s] / D : 0.0f;
      const int a = int(clampf(std::floor(f), float(-T), float(T - 1)));
      const int b = int(clampf(std::ceil(f), float(-T), float(T - 1)));
      float be = INFINITY;
      tsc[s] = a;
      for (int k = a; k <= b; ++k) {
        const float e = sym_weighted_error<Q>(x + s * SUB, w + s * SUB, SUB, D * float(k));
        if (e < be) { be = e; tsc[s] = k; }
      }
      err += be;
    }
    if (err < best || round == 0) {
      best = err;
      best_hd = hd;
      std::memcpy(bsc, tsc, sizeof bsc);
    }
    // Least-squares d for the fixed integers.
    double saa = 0, sxa = 0;
    const float D0 = half_to_f32(best_hd);
    for (int s = 0; s < NS; ++s) {
      int8_t qq[SUB];
      sym_sub_codes<Q>(x + s * SUB, SUB, D0 * float(bsc[s]), qq);
      for (int i = 0; i < SUB; ++i) {
        const double wi = w[s * SUB + i], a = double(bsc[s]) * qq[i];
        saa += wi * a * a;
        sxa += wi * double(x[s * SUB + i]) * a;
      }
    }
    if (!(saa > 0)) break;
    const uint16_t nd = f32_to_fp16_sat(float(sxa / saa));
    if (nd == best_hd) break;
    {
      const float D2 = half_to_f32(nd);
      float e2 = 0;
      for (int s = 0; s < NS; ++s) e2 += sym_weighted_error<Q>(x + s * SUB, w + s * SUB, SUB, D2 * float(bsc[s]));
      if (e2 < best) {
        best = e2;
        best_hd = nd;
      }
    }
    hd = nd;
  }
  // Safety net, as for the asymmetric types: the plain encoding (sub-block scale max / -Q, d from
  // the largest, nearest rounding) replaces the result should it be better.
  {
    float ps[NS], amax_s = 0, max_s = 0;
    for (int s = 0; s < NS; ++s) {
      float amax = 0, max = 0;
      for (int i = 0; i < SUB; ++i)
        if (std::fabs(x[s * SUB + i]) > amax) { amax = std::fabs(x[s * SUB + i]); max = x[s * SUB + i]; }
      ps[s] = max / float(-Q);
      if (std::fabs(ps[s]) > amax_s) { amax_s = std::fabs(ps[s]); max_s = ps[s]; }
    }
    const uint16_t phd = f32_to_fp16_sat(max_s / float(-T));
    const float PD = half_to_f32(phd);
    int psc[NS];
    float pe = 0;
    for (int s = 0; s < NS; ++s) {
      psc[s] = std::fabs(PD) >= kTinyScale ? int(clampf(round_even(ps[s] / PD), float(-T), float(T - 1))) : 0;
      pe += sym_weighted_error<Q>(x + s * SUB, w + s * SUB, SUB, PD * float(psc[s]));
    }
    if (pe < best) {
      best_hd = phd;
      std::memcpy(bsc, psc, sizeof bsc);
    }
  }
  d_out = best_hd;
  const float D = half_to_f32(best_hd);
  for (int s = 0; s < NS; ++s) {
    sc[s] = bsc[s];
    sym_sub_codes<Q>(x + s * SUB, SUB, D * float(bsc[s]), q + s * SUB);
  }
}

template void encode_sym_k<4, 32>(const float*, const float*, uint16_t&, int*, int8_t*);     // q3_k
template void encode_sym_k<32, 128>(const float*, const float*, uint16_t&, int*, int8_t*);  // q6_k

}  // namespace aq::gguf::codec
