// The K types: super-blocks of 256 weights cut into sub-blocks, each sub-block with an integer
// scale (and min) code that multiplies the super-block's fp16 d (and dmin).
//   asymmetric  value = (d * sc) * c - (dmin * m)   q2_k (16 x 16, 4-bit sc/m, c 0..3)
//                                                    q4_k (8 x 32, 6-bit sc/m, c 0..15)
//                                                    q5_k (8 x 32, 6-bit sc/m, c 0..31)
//   symmetric   value = (d * sc) * q                 q3_k (16 x 16, sc -32..31, q -4..3)
//                                                    q6_k (16 x 16, sc -128..127, q -32..31)
// Decoders: ggml's dequantize_row_* rule with the same float operations in the same order.
// Encoders (docs/GGUF_TYPES.md):
//   1. per sub-block, the best real (scale, min): a grid of candidate ranges, each followed by
//      the weighted least-squares (scale, min) for its codes, then one re-quantize + refit step;
//   2. the super-block scales d, dmin from the largest sub-block values, rounded to fp16;
//   3. per sub-block, the integer scale code tried rounded down and up, the min code chosen by
//      least squares for the resulting codes, the pair with the smaller actual error kept;
//   4. least-squares refit of (d, dmin) over the whole super-block for the chosen integers, codes
//      recomputed, kept when the actual error drops; steps 3-4 run twice;
//   5. the plain encoding (min/max ranges, nearest rounding) replaces the result if it is better.
// All errors are computed with the decoder's own float operations on the fp16 values stored.
#include <cmath>
#include <cstring>

#include "gguf/codec_internal.h"
#include "gguf/ggml_blocks.h"

namespace aq::gguf::codec {
namespace {

inline float lane_sum8(const float* l) {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

// =============================================================================================
// Asymmetric K types.

struct AsymSub {
  float scale = 0, min = 0;  // value = scale * c - min, min >= 0
};

/// Weighted error of sub-block x (n elements) for value = S * c - M with nearest codes.
template <int N>
float asym_sub_error(const float* x, const float* w, int n, float S, float M) {
  const float inv = S >= kTinyScale ? 1.0f / S : 0.0f;
  float lane[8] = {};
  for (int i = 0; i < n; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float c = clampf(round_even((x[i + j] + M) * inv), 0.0f, float(N));
      const float e = x[i + j] - (S * c - M);
      lane[j] += w[i + j] * e * e;
    }
  return lane_sum8(lane);
}

template <int N>
void asym_sub_codes(const float* x, int n, float S, float M, uint8_t* c) {
  const float inv = S >= kTinyScale ? 1.0f / S : 0.0f;
  for (int i = 0; i < n; ++i) c[i] = uint8_t(clampf(round_even((x[i] + M) * inv), 0.0f, float(N)));
}

/// Sums for the least-squares (scale, min) of fixed codes: with codes c from `inv` and offset `lo`.
struct LsSums {
  float sw, swx, swxx, swc, swcc, swxc;
};

/// Least-squares (scale, min) for the codes round((x - lo) * iscale); returns the error (from the
/// sums) and the fit. min is kept >= 0 (the format's lowest value is -dmin * m <= 0).
template <int N>
float asym_fit(const float* x, const float* w, int n, float lo, float iscale, float sw, float swx,
               float swxx, AsymSub& fit) {
  float lc[8] = {}, lcc[8] = {}, lxc[8] = {};
  for (int i = 0; i < n; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float c = clampf(round_even((x[i + j] - lo) * iscale), 0.0f, float(N));
      const float wc = w[i + j] * c;
      lc[j] += wc;
      lcc[j] += wc * c;
      lxc[j] += wc * x[i + j];
    }
  const float swc = lane_sum8(lc), swcc = lane_sum8(lcc), swxc = lane_sum8(lxc);
  const float det = sw * swcc - swc * swc;
  float s, b;  // value = s * c - b
  if (det > 0) {
    s = (sw * swxc - swc * swx) / det;
    b = -(swcc * swx - swc * swxc) / det;
  } else {
    s = 0;
    b = 0;
  }
  if (!(b >= 0) || !(s >= 0)) {  // offset must be <= 0: fit the scale alone with b = 0
    b = 0;
    s = swcc > 0 ? swxc / swcc : 0.0f;
    if (!(s >= 0)) s = 0;
  }
  fit.scale = s;
  fit.min = b;
  // sum w (x - s c + b)^2
  return swxx + s * s * swcc + b * b * sw - 2 * s * swxc + 2 * b * swx - 2 * s * b * swc;
}

/// Step 1: the best real (scale, min) of one sub-block.
template <int N>
AsymSub asym_sub_search(const float* x, const float* w, int n) {
  float lo = x[0], hi = x[0];
  float sw = 0, swx = 0, swxx = 0;
  for (int i = 0; i < n; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
    sw += w[i];
    swx += w[i] * x[i];
    swxx += w[i] * x[i] * x[i];
  }
  if (lo > 0) lo = 0;
  AsymSub best;
  if (!(hi > lo) || !std::isfinite(hi - lo)) {
    best.min = std::isfinite(lo) ? -lo : 0.0f;
    return best;
  }
  float best_err = INFINITY;
  const float range = hi - lo;
  auto lloyd = [&](AsymSub& f, float& e, int steps) {  // re-quantize with f, refit; while it helps
    for (int it = 0; it < steps && f.scale > 0; ++it) {
      AsymSub g;
      const float e2 = asym_fit<N>(x, w, n, -f.min, 1.0f / f.scale, sw, swx, swxx, g);
      if (!(e2 < e)) break;
      e = e2;
      f = g;
    }
  };
  if constexpr (N <= 3) {
    // 2-bit codes: the range [lo, hi] spread over N + t steps, t = -0.5 .. 0.875.
    for (int k = 0; k < 12; ++k) {
      const float iscale = (float(N) - 0.5f + 0.125f * float(k)) / range;
      AsymSub f;
      const float e = asym_fit<N>(x, w, n, lo, iscale, sw, swx, swxx, f);
      if (e < best_err) { best_err = e; best = f; }
    }
    lloyd(best, best_err, 1);
  } else {
    // 4- and 5-bit codes: the range spread over N + t steps, t = -1 .. +1 (11 candidates), each
    // followed by the least-squares fit for its codes; then re-quantize + refit on the best.
    for (int k = 0; k < 11; ++k) {
      const float iscale = (float(N) - 1.0f + 0.2f * float(k)) / range;
      AsymSub f;
      const float e = asym_fit<N>(x, w, n, lo, iscale, sw, swx, swxx, f);
      if (e < best_err) { best_err = e; best = f; }
    }
    lloyd(best, best_err, 1);
  }
  return best;
}

/// Steps 3: integer codes for one sub-block given the stored super-block scales D, M. Returns
/// the actual error; sc, m the chosen codes.
template <int N, int SMAX>
float asym_choose_codes(const float* x, const float* w, int n, const AsymSub& s, float D, float M,
                        int& sc_out, int& m_out) {
  float sw = 0;
  for (int i = 0; i < n; ++i) sw += w[i];
  const float fs = D > 0 ? s.scale / D : 0.0f;
  const float fm = M > 0 ? s.min / M : 0.0f;
  int sc_lo = int(clampf(std::floor(fs), 0.0f, float(SMAX)));
  int sc_hi = int(clampf(std::ceil(fs), 0.0f, float(SMAX)));
  const int m0 = int(clampf(round_even(fm), 0.0f, float(SMAX)));
  float best = INFINITY;
  sc_out = sc_lo;
  m_out = m0;
  for (int sc = sc_lo; sc <= sc_hi; ++sc) {
    const float S = D * float(sc);
    const float inv = S >= kTinyScale ? 1.0f / S : 0.0f;
    const float Mv0 = M * float(m0);
    // Codes for (S, m0); residuals r = x - S c; the best offset for these codes.
    float lr[8] = {};
    for (int i = 0; i < n; i += 8)
      for (int j = 0; j < 8; ++j) {
        const float c = clampf(round_even((x[i + j] + Mv0) * inv), 0.0f, float(N));
        lr[j] += w[i + j] * (x[i + j] - S * c);
      }
    const float swr = lane_sum8(lr);
    // x - value = r + M m: minimised at M m = -swr / sw.
    int m_a = m0, m_b = m0;
    if (M > 0 && sw > 0) {
      const float fm2 = -swr / sw / M;
      m_a = int(clampf(std::floor(fm2), 0.0f, float(SMAX)));
      m_b = int(clampf(std::ceil(fm2), 0.0f, float(SMAX)));
    }
    // Exact errors for the least-squares min codes and for the sub-block's own min rounded
    // down and up.
    const int mf = int(clampf(std::floor(fm), 0.0f, float(SMAX)));
    const int mc = int(clampf(std::ceil(fm), 0.0f, float(SMAX)));
    const int cand[4] = {m_a, m_b, mf, mc};
    for (int k = 0; k < 4; ++k) {
      bool seen = false;
      for (int j = 0; j < k; ++j) seen = seen || cand[j] == cand[k];
      if (seen) continue;
      const float e = asym_sub_error<N>(x, w, n, S, M * float(cand[k]));
      if (e < best) { best = e; sc_out = sc; m_out = cand[k]; }
    }
  }
  return best;
}

/// The whole super-block: fills d, dmin (fp16), sc[], m[] and codes c[256].
template <int N, int SUB, int SMAX>
void encode_asym_k(const float* x, const float* w, uint16_t& d_out, uint16_t& dmin_out, int* sc,
                   int* m, uint8_t* c) {
  constexpr int NS = kQK_K / SUB;
  AsymSub sub[NS];
  float max_scale = 0, max_min = 0;
  for (int s = 0; s < NS; ++s) {
    sub[s] = asym_sub_search<N>(x + s * SUB, w + s * SUB, SUB);
    max_scale = sub[s].scale > max_scale ? sub[s].scale : max_scale;
    max_min = sub[s].min > max_min ? sub[s].min : max_min;
  }
  uint16_t hd = f32_to_fp16_sat(max_scale / float(SMAX));
  uint16_t hm = f32_to_fp16_sat(max_min / float(SMAX));
  int bsc[NS], bm[NS];
  float best = INFINITY;
  uint16_t best_hd = hd, best_hm = hm;
  for (int round = 0; round < 2; ++round) {
    // Step 3: integer codes for this (d, dmin).
    const float D = half_to_f32(hd), M = half_to_f32(hm);
    float err = 0;
    int tsc[NS], tm[NS];
    for (int s = 0; s < NS; ++s)
      err += asym_choose_codes<N, SMAX>(x + s * SUB, w + s * SUB, SUB, sub[s], D, M, tsc[s], tm[s]);
    if (err < best || round == 0) {
      best = err;
      best_hd = hd;
      best_hm = hm;
      std::memcpy(bsc, tsc, sizeof bsc);
      std::memcpy(bm, tm, sizeof bm);
    }
    // Step 4: least squares for (d, dmin) with the integers fixed: value = d a - dmin b,
    // a = sc c, b = m.
    double saa = 0, sab = 0, sbb = 0, sxa = 0, sxb = 0;
    for (int s = 0; s < NS; ++s) {
      const float S = half_to_f32(best_hd) * float(bsc[s]), Mv = half_to_f32(best_hm) * float(bm[s]);
      uint8_t cc[SUB];
      asym_sub_codes<N>(x + s * SUB, SUB, S, Mv, cc);
      for (int i = 0; i < SUB; ++i) {
        const double wi = w[s * SUB + i], a = double(bsc[s]) * cc[i], b = bm[s], xi = x[s * SUB + i];
        saa += wi * a * a;
        sab += wi * a * b;
        sbb += wi * b * b;
        sxa += wi * xi * a;
        sxb += wi * xi * b;
      }
    }
    // minimise sum w (x - d a + e b)^2 over (d, e)
    const double det = saa * sbb - sab * sab;
    double dd, ee;
    if (det > 0) {
      dd = (sxa * sbb - sxb * sab) / det;
      ee = (sxa * sab - sxb * saa) / det;
    } else {
      dd = saa > 0 ? sxa / saa : 0;
      ee = sbb > 0 ? -sxb / sbb : 0;
    }
    if (!(dd >= 0) || !(ee >= 0)) break;
    const uint16_t nd = f32_to_fp16_sat(float(dd)), nm = f32_to_fp16_sat(float(ee));
    if (nd == best_hd && nm == best_hm) break;
    // Same integers, new super-block scales: codes recomputed, kept if the error drops.
    {
      const float D2 = half_to_f32(nd), M2 = half_to_f32(nm);
      float e2 = 0;
      for (int s = 0; s < NS; ++s)
        e2 += asym_sub_error<N>(x + s * SUB, w + s * SUB, SUB, D2 * float(bsc[s]), M2 * float(bm[s]));
      if (e2 < best) {
        best = e2;
        best_hd = nd;
        best_hm = nm;
      }
    }
    hd = nd;
    hm = nm;
  }
  // Safety net: the plain encoding (each sub-block's own [min(x, 0), max(x)] range, super-block
  // scales from the largest, everything rounded to nearest) replaces the result should it be
  // better, so the encoder is never worse than it on any super-block.
  {
    float ps[NS], pm[NS], pmax_s = 0, pmax_m = 0;
    for (int s = 0; s < NS; ++s) {
      float lo = 0, hi = x[s * SUB];
      for (int i = 0; i < SUB; ++i) {
        lo = x[s * SUB + i] < lo ? x[s * SUB + i] : lo;
        hi = x[s * SUB + i] > hi ? x[s * SUB + i] : hi;
      }
      ps[s] = (hi - lo) / float(N);
      pm[s] = -lo;
      pmax_s = ps[s] > pmax_s ? ps[s] : pmax_s;
      pmax_m = pm[s] > pmax_m ? pm[s] : pmax_m;
    }
    const uint16_t phd = f32_to_fp16_sat(pmax_s / float(SMAX)), phm = f32_to_fp16_sat(pmax_m / float(SMAX));
    const float PD = half_to_f32(phd), PM = half_to_f32(phm);
    int psc[NS], pmc[NS];
    float pe = 0;
    for (int s = 0; s < NS; ++s) {
      psc[s] = PD > 0 ? int(clampf(round_even(ps[s] / PD), 0.0f, float(SMAX))) : 0;
      pmc[s] = PM > 0 ? int(clampf(round_even(pm[s] / PM), 0.0f, float(SMAX))) : 0;
      pe += asym_sub_error<N>(x + s * SUB, w + s * SUB, SUB, PD * float(psc[s]), PM * float(pmc[s]));
    }
    if (pe < best) {
      best_hd = phd;
      best_hm = phm;
      std::memcpy(bsc, psc, sizeof bsc);
      std::memcpy(bm, pmc, sizeof bm);
    }
  }
  d_out = best_hd;
  dmin_out = best_hm;
  const float D = half_to_f32(best_hd), M = half_to_f32(best_hm);
  for (int s = 0; s < NS; ++s) {
    sc[s] = bsc[s];
    m[s] = bm[s];
    asym_sub_codes<N>(x + s * SUB, SUB, D * float(bsc[s]), M * float(bm[s]), c + s * SUB);
  }
}

// =============================================================================================
// Symmetric K types: value = (d * sc) * q, q in [-Q, Q-1], sc in [-T, T-1].

template <int Q>
float sym_sub_error(const float* x, const float* w, int n, float S) {
  const float inv = std::fabs(S) >= kTinyScale ? 1.0f / S : 0.0f;
  float lane[8] = {};
  for (int i = 0; i < n; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float q = clampf(round_even(x[i + j] * inv), float(-Q), float(Q - 1));
      const float e = x[i + j] - S * q;
      lane[j] += w[i + j] * e * e;
    }
  return lane_sum8(lane);
}

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
        const float e = sym_sub_error<Q>(x + s * SUB, w + s * SUB, SUB, D * float(k));
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
      for (int s = 0; s < NS; ++s) e2 += sym_sub_error<Q>(x + s * SUB, w + s * SUB, SUB, D2 * float(bsc[s]));
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
      pe += sym_sub_error<Q>(x + s * SUB, w + s * SUB, SUB, PD * float(psc[s]));
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

const float* weights_of(const float* weights, int64_t block) {
  return weights ? weights + block * kQK_K : kUnitWeights;
}

// 6-bit scale / min packing shared by q4_k and q5_k.
void pack_scales_k4(const int* sc, const int* m, uint8_t* q) {
  std::memset(q, 0, 12);
  for (int j = 0; j < 8; ++j) {
    const uint8_t ls = uint8_t(sc[j]), lm = uint8_t(m[j]);
    if (j < 4) {
      q[j] |= ls & 63;
      q[j + 4] |= lm & 63;
    } else {
      q[j + 4] = uint8_t((ls & 0xF) | ((lm & 0xF) << 4));
      q[j - 4] |= uint8_t((ls >> 4) << 6);
      q[j] |= uint8_t((lm >> 4) << 6);
    }
  }
}

inline void unpack_scale_k4(int j, const uint8_t* q, int& sc, int& m) {
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// q2_k

void quantize_q2_k(const float* x, int64_t n, void* out, const float* weights) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ2_K blk;
    int sc[16], m[16];
    uint8_t c[kQK_K];
    encode_asym_k<3, 16, 15>(x + b * kQK_K, weights_of(weights, b), blk.d, blk.dmin, sc, m, c);
    for (int s = 0; s < 16; ++s) blk.scales[s] = uint8_t(sc[s] | (m[s] << 4));
    for (int h = 0; h < 2; ++h)
      for (int l = 0; l < 32; ++l) {
        const uint8_t* cc = c + 128 * h + l;
        blk.qs[32 * h + l] = uint8_t(cc[0] | (cc[32] << 2) | (cc[64] << 4) | (cc[96] << 6));
      }
    std::memcpy(o + b * sizeof blk, &blk, sizeof blk);
  }
}

void dequantize_q2_k(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ2_K blk;
    std::memcpy(&blk, p + b * sizeof blk, sizeof blk);
    const float d = half_to_f32(blk.d), dmin = half_to_f32(blk.dmin);
    float* y = out + b * kQK_K;
    for (int e = 0; e < kQK_K; ++e) {
      const int h = e / 128, j = (e % 128) / 32, l = e % 32;
      const uint8_t sc = blk.scales[e / 16];
      const float dl = d * float(sc & 0xF), ml = dmin * float(sc >> 4);
      y[e] = dl * float((blk.qs[32 * h + l] >> (2 * j)) & 3) - ml;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// q3_k

void quantize_q3_k(const float* x, int64_t n, void* out, const float* weights) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ3_K blk;
    int sc[16];
    int8_t q[kQK_K];
    encode_sym_k<4, 32>(x + b * kQK_K, weights_of(weights, b), blk.d, sc, q);
    std::memset(blk.scales, 0, 12);
    for (int s = 0; s < 16; ++s) {
      const int u = sc[s] + 32;  // 0..63
      if (s < 8) blk.scales[s] |= uint8_t(u & 0xF);
      else blk.scales[s - 8] |= uint8_t((u & 0xF) << 4);
      blk.scales[8 + s % 4] |= uint8_t((u >> 4) << (2 * (s / 4)));
    }
    std::memset(blk.hmask, 0, 32);
    std::memset(blk.qs, 0, 64);
    for (int e = 0; e < kQK_K; ++e) {
      const int u = q[e] + 4;  // 0..7
      const int h = e / 128, j = (e % 128) / 32, l = e % 32;
      blk.qs[32 * h + l] |= uint8_t((u & 3) << (2 * j));
      if (u >= 4) blk.hmask[l] |= uint8_t(1u << (4 * h + j));
    }
    std::memcpy(o + b * sizeof blk, &blk, sizeof blk);
  }
}

void dequantize_q3_k(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ3_K blk;
    std::memcpy(&blk, p + b * sizeof blk, sizeof blk);
    const float d = half_to_f32(blk.d);
    float* y = out + b * kQK_K;
    for (int s = 0; s < 16; ++s) {
      const int lo4 = s < 8 ? (blk.scales[s] & 0xF) : (blk.scales[s - 8] >> 4);
      const int hi2 = (blk.scales[8 + s % 4] >> (2 * (s / 4))) & 3;
      const float dl = d * float((lo4 | (hi2 << 4)) - 32);
      for (int i = 0; i < 16; ++i) {
        const int e = 16 * s + i, h = e / 128, j = (e % 128) / 32, l = e % 32;
        const int low2 = (blk.qs[32 * h + l] >> (2 * j)) & 3;
        const int hbit = (blk.hmask[l] >> (4 * h + j)) & 1;
        y[e] = dl * float(low2 - (hbit ? 0 : 4));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// q4_k

void quantize_q4_k(const float* x, int64_t n, void* out, const float* weights) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ4_K blk;
    int sc[8], m[8];
    uint8_t c[kQK_K];
    encode_asym_k<15, 32, 63>(x + b * kQK_K, weights_of(weights, b), blk.d, blk.dmin, sc, m, c);
    pack_scales_k4(sc, m, blk.scales);
    for (int p4 = 0; p4 < 4; ++p4)
      for (int l = 0; l < 32; ++l) blk.qs[32 * p4 + l] = uint8_t(c[64 * p4 + l] | (c[64 * p4 + 32 + l] << 4));
    std::memcpy(o + b * sizeof blk, &blk, sizeof blk);
  }
}

void dequantize_q4_k(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ4_K blk;
    std::memcpy(&blk, p + b * sizeof blk, sizeof blk);
    const float d = half_to_f32(blk.d), dmin = half_to_f32(blk.dmin);
    float* y = out + b * kQK_K;
    for (int p4 = 0; p4 < 4; ++p4) {
      int sc, m;
      unpack_scale_k4(2 * p4, blk.scales, sc, m);
      const float d1 = d * float(sc), m1 = dmin * float(m);
      unpack_scale_k4(2 * p4 + 1, blk.scales, sc, m);
      const float d2 = d * float(sc), m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) y[64 * p4 + l] = d1 * float(blk.qs[32 * p4 + l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) y[64 * p4 + 32 + l] = d2 * float(blk.qs[32 * p4 + l] >> 4) - m2;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// q5_k

void quantize_q5_k(const float* x, int64_t n, void* out, const float* weights) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ5_K blk;
    int sc[8], m[8];
    uint8_t c[kQK_K];
    encode_asym_k<31, 32, 63>(x + b * kQK_K, weights_of(weights, b), blk.d, blk.dmin, sc, m, c);
    pack_scales_k4(sc, m, blk.scales);
    std::memset(blk.qh, 0, 32);
    for (int p4 = 0; p4 < 4; ++p4)
      for (int l = 0; l < 32; ++l) {
        const int c0 = c[64 * p4 + l], c1 = c[64 * p4 + 32 + l];
        blk.qs[32 * p4 + l] = uint8_t((c0 & 0xF) | ((c1 & 0xF) << 4));
        blk.qh[l] |= uint8_t(((c0 >> 4) << (2 * p4)) | ((c1 >> 4) << (2 * p4 + 1)));
      }
    std::memcpy(o + b * sizeof blk, &blk, sizeof blk);
  }
}

void dequantize_q5_k(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ5_K blk;
    std::memcpy(&blk, p + b * sizeof blk, sizeof blk);
    const float d = half_to_f32(blk.d), dmin = half_to_f32(blk.dmin);
    float* y = out + b * kQK_K;
    for (int p4 = 0; p4 < 4; ++p4) {
      int sc, m;
      unpack_scale_k4(2 * p4, blk.scales, sc, m);
      const float d1 = d * float(sc), m1 = dmin * float(m);
      unpack_scale_k4(2 * p4 + 1, blk.scales, sc, m);
      const float d2 = d * float(sc), m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) {
        const int hb = (blk.qh[l] >> (2 * p4)) & 1;
        y[64 * p4 + l] = d1 * float((blk.qs[32 * p4 + l] & 0xF) + (hb ? 16 : 0)) - m1;
      }
      for (int l = 0; l < 32; ++l) {
        const int hb = (blk.qh[l] >> (2 * p4 + 1)) & 1;
        y[64 * p4 + 32 + l] = d2 * float((blk.qs[32 * p4 + l] >> 4) + (hb ? 16 : 0)) - m2;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// q6_k

void quantize_q6_k(const float* x, int64_t n, void* out, const float* weights) {
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ6_K blk;
    int sc[16];
    int8_t q[kQK_K];
    encode_sym_k<32, 128>(x + b * kQK_K, weights_of(weights, b), blk.d, sc, q);
    for (int s = 0; s < 16; ++s) blk.scales[s] = int8_t(sc[s]);
    std::memset(blk.ql, 0, 128);
    std::memset(blk.qh, 0, 64);
    for (int e = 0; e < kQK_K; ++e) {
      const int u = q[e] + 32;  // 0..63
      const int h = e / 128, k = (e % 128) / 32, l = e % 32;
      blk.ql[64 * h + 32 * (k % 2) + l] |= uint8_t((u & 0xF) << (k >= 2 ? 4 : 0));
      blk.qh[32 * h + l] |= uint8_t((u >> 4) << (2 * k));
    }
    std::memcpy(o + b * sizeof blk, &blk, sizeof blk);
  }
}

void dequantize_q6_k(const void* in, int64_t n, float* out) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    BlockQ6_K blk;
    std::memcpy(&blk, p + b * sizeof blk, sizeof blk);
    const float d = half_to_f32(blk.d);
    float* y = out + b * kQK_K;
    for (int e = 0; e < kQK_K; ++e) {
      const int h = e / 128, k = (e % 128) / 32, l = e % 32;
      const int lo = (blk.ql[64 * h + 32 * (k % 2) + l] >> (k >= 2 ? 4 : 0)) & 0xF;
      const int hi = (blk.qh[32 * h + l] >> (2 * k)) & 3;
      y[e] = (d * float(blk.scales[e / 16])) * float((lo | (hi << 4)) - 32);
    }
  }
}

}  // namespace aq::gguf::codec
