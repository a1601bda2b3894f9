#include "job/compare.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "io/file_stamp.h"
#include "io/logical_model.h"
#include "io/output_guard.h"

namespace aq {

std::string_view compare_status_name(CompareStatus s) {
  switch (s) {
    case CompareStatus::Compared: return "compared";
    case CompareStatus::Identical: return "identical";
    case CompareStatus::Different: return "different";
    case CompareStatus::Missing: return "missing";
    case CompareStatus::ShapeMismatch: return "shape mismatch";
    case CompareStatus::Extra: return "extra";
  }
  return "?";
}

namespace {

bool float_like(const LogicalTensor& t) { return t.quantized || is_quantizable(t.dtype); }

Status compare_floats(const LogicalModel& a, const LogicalTensor& ta, const LogicalModel& b, const LogicalTensor& tb,
                      ErrorSums& sums) {
  if (ta.rows == 0 || ta.cols == 0) return {};  // no elements, however many rows: nothing to read
  const int64_t block = std::max<int64_t>(1, (4 << 20) / std::max<int64_t>(1, ta.cols * 4));
  std::vector<float> xa, xb;
  for (int64_t r0 = 0; r0 < ta.rows; r0 += block) {
    const int64_t r1 = std::min(ta.rows, r0 + block);
    if (auto s = a.read_float_rows(ta, r0, r1, xa); !s) return s;
    if (auto s = b.read_float_rows(tb, r0, r1, xb); !s) return s;
    accumulate(sums, xa.data(), xb.data(), int64_t(xa.size()));
  }
  return {};
}

Result<bool> same_bytes(const LogicalModel& a, const LogicalTensor& ta, const LogicalModel& b, const LogicalTensor& tb) {
  std::vector<std::byte> sa, sb;
  const auto& ia = a.source().tensors()[ta.data];
  const auto& ib = b.source().tensors()[tb.data];
  if (ia.nbytes != ib.nbytes || ia.dtype != ib.dtype) return false;
  auto pa = a.source().read_rows(ta.data, 0, ia.rows(), sa);
  if (!pa) return pa.error();
  auto pb = b.source().read_rows(tb.data, 0, ib.rows(), sb);
  if (!pb) return pb.error();
  const bool same = ia.nbytes == 0 || std::memcmp(*pa, *pb, ia.nbytes) == 0;
  if (auto s = a.source().check_read(ta.data); !s) return s.error();
  if (auto s = b.source().check_read(tb.data); !s) return s.error();
  return same;
}

}  // namespace

Result<Comparison> compare_models(const std::filesystem::path& reference, const std::filesystem::path& other,
                                  const OpenOptions& open) {
  auto a = LogicalModel::open(reference, open);
  if (!a) return a.error();
  auto b = LogicalModel::open(other, open);
  if (!b) return b.error();
  auto inputs = input_files(a->source());
  for (auto& f : input_files(b->source())) inputs.push_back(std::move(f));
  const auto stamps = stamp_files(inputs);
  Comparison c;
  std::set<std::string> seen;
  for (const auto& ta : a->tensors()) {
    TensorComparison tc{ta.name, ta.shape};
    const LogicalTensor* tb = b->find(ta.name);
    seen.insert(ta.name);
    if (!tb) {
      tc.status = CompareStatus::Missing;
    } else if (ta.rows != tb->rows || ta.cols != tb->cols) {
      tc.status = CompareStatus::ShapeMismatch;
    } else if (float_like(ta) && float_like(*tb)) {
      if (auto s = compare_floats(*a, ta, *b, *tb, tc.sums); !s) return s.error();
      tc.metrics = metrics_from(tc.sums);
      c.total.merge(tc.sums);
      ++c.compared;
    } else {
      auto same = same_bytes(*a, ta, *b, *tb);
      if (!same) return same.error();
      tc.status = *same ? CompareStatus::Identical : CompareStatus::Different;
    }
    if (tc.status != CompareStatus::Compared && tc.status != CompareStatus::Identical) ++c.problems;
    c.tensors.push_back(std::move(tc));
  }
  for (const auto& tb : b->tensors())
    if (!seen.count(tb.name)) {
      c.tensors.push_back({tb.name, tb.shape, CompareStatus::Extra});
      ++c.problems;
    }
  if (auto s = verify_unchanged(stamps); !s) return s.error();
  return c;
}

}  // namespace aq
