// The asymmetric K types' super-block encoder (q2_k, q4_k, q5_k: value = (d * sc) * c - (dmin * m)),
// steps 1-5 of codec_k_search.h.
#include <cmath>
#include <cstring>

#include "gguf/codec_k_search.h"

namespace aq::gguf::codec {
namespace {

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
  // The range [lo, hi] spread over N + t steps, each followed by the least-squares fit for its
  // codes; then re-quantize + refit on the best. 2-bit codes: t = -0.5 .. 0.875 (12 candidates);
  // 4- and 5-bit codes: t = -1 .. +1 (11).
  constexpr int kCandidates = N <= 3 ? 12 : 11;
  constexpr float kT0 = N <= 3 ? -0.5f : -1.0f, kDt = N <= 3 ? 0.125f : 0.2f;
  for (int k = 0; k < kCandidates; ++k) {
    const float iscale = (float(N) + kT0 + kDt * float(k)) / range;
    AsymSub f;
    const float e = asym_fit<N>(x, w, n, lo, iscale, sw, swx, swxx, f);
    if (e < best_err) { best_err = e; best = f; }
  }
  lloyd(best, best_err, 1);
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

}  // namespace

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

template void encode_asym_k<3, 16, 15>(const float*, const float*, uint16_t&, uint16_t&, int*, int*,
                                       uint8_t*);  // q2_k
template void encode_asym_k<15, 32, 63>(const float*, const float*, uint16_t&, uint16_t&, int*, int*,
                                        uint8_t*);  // q4_k
template void encode_asym_k<31, 32, 63>(const float*, const float*, uint16_t&, uint16_t&, int*, int*,
                                        uint8_t*);  // q5_k

}  // namespace aq::gguf::codec
