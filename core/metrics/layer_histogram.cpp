#include "metrics/layer_histogram.h"

#include <algorithm>
#include <cmath>

#include "io/model_source.h"
#include "quant/kernels.h"
#include "quant/scheme_traits.h"

namespace aq {
namespace {

Histogram make_histogram(double lo, double hi, int bins) {
  // A constant tensor (or an exact scheme's zero error) still gets a drawable, non-empty range.
  if (!(hi > lo)) {
    const double pad = std::max(std::abs(lo) * 1e-3, 1e-6);
    lo -= pad;
    hi += pad;
  }
  Histogram h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(std::size_t(std::max(bins, 1)), 0);
  return h;
}

void add(Histogram& h, const float* v, std::size_t n) {
  const double scale = double(h.counts.size()) / (h.hi - h.lo);
  const auto last = int64_t(h.counts.size()) - 1;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = v[i];
    if (x < h.lo) {
      ++h.below;
    } else if (x > h.hi) {
      ++h.above;
    } else {
      // x == hi lands in the last bin, not past it.
      ++h.counts[std::size_t(std::min<int64_t>(int64_t(std::floor((x - h.lo) * scale)), last))];
    }
  }
}

// The q-quantile of |v| (q in (0, 1]); 1 gives the maximum.
double abs_quantile(const std::vector<float>& v, double q) {
  if (v.empty()) return 0;
  std::vector<float> a(v.size());
  std::transform(v.begin(), v.end(), a.begin(), [](float x) { return std::abs(x); });
  const auto k = std::size_t(std::clamp(q, 0.0, 1.0) * double(a.size() - 1));
  std::nth_element(a.begin(), a.begin() + std::ptrdiff_t(k), a.end());
  return a[k];
}

}  // namespace

Result<LayerHistograms> layer_histograms(const ModelSource& source, std::size_t index,
                                         const std::vector<QuantScheme>& schemes,
                                         const HistogramOptions& options) {
  const std::string file = source.path().string();
  if (index >= source.tensors().size())
    return make_error(ErrorKind::Internal, file, "", "tensor index out of range");
  const TensorInfo& info = source.tensors()[index];
  if (!is_quantizable(info.dtype))
    return make_error(ErrorKind::Unsupported, file, info.name,
                      "dtype " + std::string(dtype_name(info.dtype)) + " is not a float type");
  for (const auto& s : schemes)
    if (auto v = validate(s); !v) return make_error(ErrorKind::BadInput, file, info.name, v.error().reason);

  LayerHistograms out;
  out.index = index;
  out.name = info.name;
  const int64_t rows = info.rows(), cols = info.cols();
  if (rows <= 0 || cols <= 0) return make_error(ErrorKind::BadInput, file, info.name, "empty tensor");
  out.cols = cols;
  out.rows_used = std::clamp<int64_t>(options.max_elements / cols, 1, rows);
  out.elements = out.rows_used * cols;

  // Whole rows spread evenly over the tensor: the kernels quantize rows, and a layer's rows
  // differ in scale, so a prefix would not be representative.
  const KernelSet& k = best_kernels();
  std::vector<float> x(std::size_t(out.elements));
  std::vector<std::byte> scratch;
  for (int64_t i = 0; i < out.rows_used; ++i) {
    const int64_t r = i * rows / out.rows_used;
    auto bytes = source.read_rows(index, r, r + 1, scratch);
    if (!bytes) return bytes.error();
    k.to_f32(info.dtype, *bytes, x.data() + i * cols, cols);
  }

  // A symmetric range keeps zero in the middle of the picture, where the eye expects it.
  const double vq = abs_quantile(x, options.range_quantile);
  out.original = make_histogram(-vq, vq, options.bins);
  add(out.original, x.data(), x.size());

  // Errors are kept so the error histograms can share one range across schemes.
  std::vector<std::vector<float>> errors(schemes.size());
  std::vector<float> y(static_cast<std::size_t>(cols));
  for (std::size_t s = 0; s < schemes.size(); ++s) {
    const QuantScheme& scheme = schemes[s];
    const PackedLayout lay = packed_layout(1, cols, scheme);
    std::vector<uint8_t> codes(std::size_t(lay.row_bytes));
    std::vector<uint16_t> scales(std::size_t(lay.groups_per_row)), zeros(scales.size());
    SchemeHistogram sh;
    sh.scheme = scheme;
    sh.values = make_histogram(out.original.lo, out.original.hi, options.bins);
    ErrorSums sums;
    errors[s].resize(x.size());
    for (int64_t i = 0; i < out.rows_used; ++i) {
      const float* row = x.data() + i * cols;
      RowOutput ro{codes.data(), scales.data(), scheme.symmetric ? nullptr : zeros.data()};
      RowResult rr = k.quantize_row(row, cols, scheme, ro, sums);
      if (rr.status != RowStatus::Ok)
        return make_error(ErrorKind::BadInput, file, info.name,
                          rr.status == RowStatus::NonFinite
                              ? "NaN or Inf at row " + std::to_string(i * rows / out.rows_used)
                              : "a group's scale exceeds the fp16 range");
      k.dequantize_row(codes.data(), scales.data(), ro.zeros, cols, scheme, y.data());
      add(sh.values, y.data(), y.size());
      float* e = errors[s].data() + i * cols;
      for (int64_t c = 0; c < cols; ++c) e[c] = y[std::size_t(c)] - row[c];
    }
    sh.metrics = metrics_from(sums);
    out.schemes.push_back(std::move(sh));
  }
  // One range for every scheme's errors: the widest (coarsest scheme's) quantile.
  double err_q = 0;
  for (const auto& e : errors) err_q = std::max(err_q, abs_quantile(e, options.range_quantile));
  for (std::size_t s = 0; s < schemes.size(); ++s) {
    out.schemes[s].errors = make_histogram(-err_q, err_q, options.bins);
    add(out.schemes[s].errors, errors[s].data(), errors[s].size());
  }
  return out;
}

}  // namespace aq
