#include "calib/calibration_file.h"

#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "io/hdf5_lock.h"
#include "io/hdf5_probe.h"
#include "io/hdf5_types.h"

namespace aq {
namespace {

static_assert(sizeof(hid_t) == sizeof(long long));

constexpr const char* kFormat = "arrowquant-calibration";
constexpr int64_t kMaxBuckets = 4096;
constexpr int64_t kMaxHessianK = 32768;  // k*k floats: 4 GiB at this width
constexpr int64_t kMaxDiagK = int64_t(1) << 26;
constexpr int kProbeSeconds = 120;
constexpr uint64_t kProbeReadBytes = uint64_t(64) << 20;  // smaller files are read whole in the probe

Error cal_error(const std::filesystem::path& file, const std::string& tensor, const std::string& reason) {
  return make_error(ErrorKind::BadInput, file.string(), tensor, "calibration: " + reason);
}

// A float dataset's dims, with its class and rank checked.
std::optional<std::vector<hsize_t>> float_dims(hid_t ds, int rank, std::string& why) {
  Hdf5IdGuard type{H5Dget_type(ds), H5Tclose};
  if (type.id < 0 || H5Tget_class(type.id) != H5T_FLOAT) {
    H5Eclear2(H5E_DEFAULT);
    why = "is not a floating-point dataset";
    return std::nullopt;
  }
  Hdf5IdGuard space{H5Dget_space(ds), H5Sclose};
  if (space.id < 0 || H5Sget_simple_extent_type(space.id) != H5S_SIMPLE) {
    H5Eclear2(H5E_DEFAULT);
    why = "has no simple dataspace";
    return std::nullopt;
  }
  const int n = H5Sget_simple_extent_ndims(space.id);
  if (n != rank) {
    why = "has rank " + std::to_string(n) + ", expected " + std::to_string(rank);
    return std::nullopt;
  }
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  return dims;
}

// Reads `count` elements starting at `start` of a dataset as floats or doubles.
bool read_slab(hid_t ds, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count, hid_t memtype,
               void* out) {
  Hdf5IdGuard file_space{H5Dget_space(ds), H5Sclose};
  if (file_space.id < 0) return false;
  if (H5Sselect_hyperslab(file_space.id, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0) return false;
  Hdf5IdGuard mem_space{H5Screate_simple(int(count.size()), count.data(), nullptr), H5Sclose};
  return mem_space.id >= 0 && H5Dread(ds, memtype, mem_space.id, file_space.id, H5P_DEFAULT, out) >= 0;
}

struct VisitState {
  CalibrationFile* file;
  std::vector<std::string> groups;  // paths under /layers that hold a `count` dataset
};

herr_t collect_layer(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  auto& state = *static_cast<VisitState*>(data);
  if (info->type != H5O_TYPE_GROUP || std::strcmp(name, ".") == 0) return 0;
  Hdf5IdGuard g{H5Gopen2(loc, name, H5P_DEFAULT), H5Gclose};
  if (g.id < 0) return -1;
  const htri_t has = H5Lexists(g.id, "count", H5P_DEFAULT);
  if (has > 0) state.groups.emplace_back(name);
  if (has < 0) H5Eclear2(H5E_DEFAULT);
  return 0;
}

}  // namespace

CalibrationFile::~CalibrationFile() {
  if (file_id_ < 0) return;
  Hdf5Lock lock;
  H5Fclose(hid_t(file_id_));
}

const CalibrationLayer* CalibrationFile::find(const std::string& tensor) const {
  auto it = layers_.find(tensor);
  return it == layers_.end() ? nullptr : &it->second;
}

Result<std::unique_ptr<CalibrationFile>> CalibrationFile::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return make_error(ErrorKind::Io, path.string(), "",
                      std::filesystem::exists(path, ec) ? "calibration: not a regular file" : "calibration: no such file");
  if (!hdf5_in_probe_child()) {
    std::optional<std::string> crashed;
    {
      Hdf5Lock lock;  // held across fork: no other thread is inside HDF5 then
      crashed = hdf5_probe(
          [&] {
            auto r = open_unprobed(path);
            if (!r.ok() || std::filesystem::file_size(path) > kProbeReadBytes) return;
            std::vector<float> scratch;
            for (const auto& [name, layer] : (*r)->layers_)
              for (int b = 0; b < (*r)->buckets_; ++b) (void)(*r)->read_bucket(layer, b, scratch);
          },
          kProbeSeconds);
    }
    if (crashed) return cal_error(path, "", *crashed);
  }
  return open_unprobed(path);
}

Result<std::unique_ptr<CalibrationFile>> CalibrationFile::open_unprobed(const std::filesystem::path& path) {
  std::unique_ptr<CalibrationFile> cal(new CalibrationFile());  // before the lock: its destructor locks
  cal->path_ = path;
  Hdf5Lock lock;
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return cal_error(path, "", "not an HDF5 file");
  }
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return cal_error(path, "", "cannot be opened: " + hdf5_errors());
  cal->file_id_ = f;

  std::string why;
  const auto format = hdf5_string_attr(f, "format", why);
  if (!format) return cal_error(path, "", "root attribute 'format' " + why + " (expected \"" + kFormat + "\")");
  if (*format != kFormat) return cal_error(path, "", "root attribute 'format' is '" + *format + "', not '" + kFormat + "'");
  const auto version = hdf5_int_attr(f, "version", why);
  if (!version) return cal_error(path, "", "root attribute 'version' " + why);
  if (*version != 1) return cal_error(path, "", "version " + std::to_string(*version) + " is not supported (only 1)");
  if (hdf5_has_attr(f, "bucket_edges")) {
    auto edges = hdf5_int_array_attr(f, "bucket_edges", kMaxBuckets + 1, why);
    if (!edges) return cal_error(path, "", "root attribute 'bucket_edges' " + why);
    if (edges->size() < 2) return cal_error(path, "", "'bucket_edges' needs at least two values");
    for (std::size_t i = 1; i < edges->size(); ++i)
      if ((*edges)[i] <= (*edges)[i - 1]) return cal_error(path, "", "'bucket_edges' must increase");
    cal->edges_ = std::move(*edges);
    cal->buckets_ = int(cal->edges_.size() - 1);
  }

  if (H5Lexists(f, "layers", H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return cal_error(path, "", "no group /layers");
  }
  Hdf5IdGuard layers{H5Gopen2(f, "layers", H5P_DEFAULT), H5Gclose};
  if (layers.id < 0) return cal_error(path, "", "/layers cannot be opened: " + hdf5_errors());
  VisitState state{cal.get(), {}};
  if (H5Ovisit2(layers.id, H5_INDEX_NAME, H5_ITER_INC, collect_layer, &state, H5O_INFO_BASIC) < 0)
    return cal_error(path, "", "the groups under /layers cannot be read: " + hdf5_errors());

  for (const std::string& name : state.groups) {
    Hdf5IdGuard g{H5Gopen2(layers.id, name.c_str(), H5P_DEFAULT), H5Gclose};
    if (g.id < 0) return cal_error(path, name, "the group cannot be opened: " + hdf5_errors());
    CalibrationLayer layer;
    layer.name = name;
    const bool has_h = H5Lexists(g.id, "hessian", H5P_DEFAULT) > 0;
    const bool has_d = H5Lexists(g.id, "diag", H5P_DEFAULT) > 0;
    H5Eclear2(H5E_DEFAULT);
    if (has_h == has_d) return cal_error(path, name, "needs exactly one of the datasets 'hessian' and 'diag'");
    layer.diagonal = has_d;
    const char* data_name = has_d ? "diag" : "hessian";
    Hdf5IdGuard ds{H5Dopen2(g.id, data_name, H5P_DEFAULT), H5Dclose};
    if (ds.id < 0) return cal_error(path, name, std::string("'") + data_name + "' cannot be opened: " + hdf5_errors());
    auto dims = float_dims(ds.id, has_d ? 2 : 3, why);
    if (!dims) return cal_error(path, name, std::string("'") + data_name + "' " + why);
    const int64_t b = int64_t((*dims)[0]), k = int64_t((*dims)[1]);
    if (b < 1 || b > kMaxBuckets) return cal_error(path, name, "has " + std::to_string(b) + " buckets");
    if (!has_d && int64_t((*dims)[2]) != k)
      return cal_error(path, name, "'hessian' is " + std::to_string(k) + " x " + std::to_string((*dims)[2]) + ", not square");
    if (k < 1 || k > (has_d ? kMaxDiagK : kMaxHessianK))
      return cal_error(path, name, "has " + std::to_string(k) + " input features, beyond what a " +
                                       (has_d ? "'diag'" : "'hessian' (use 'diag' for very wide layers)") + " may hold");
    if (cal->buckets_ == 0) cal->buckets_ = int(b);
    if (b != cal->buckets_)
      return cal_error(path, name, "has " + std::to_string(b) + " buckets, but the file has " + std::to_string(cal->buckets_));
    layer.k = k;

    Hdf5IdGuard cs{H5Dopen2(g.id, "count", H5P_DEFAULT), H5Dclose};
    if (cs.id < 0) return cal_error(path, name, "'count' cannot be opened: " + hdf5_errors());
    auto cdims = float_dims(cs.id, 1, why);
    if (!cdims) return cal_error(path, name, "'count' " + why);
    if (int64_t((*cdims)[0]) != b)
      return cal_error(path, name, "'count' has " + std::to_string((*cdims)[0]) + " values for " + std::to_string(b) + " buckets");
    layer.counts.resize(std::size_t(b));
    if (!read_slab(cs.id, {0}, {hsize_t(b)}, H5T_NATIVE_DOUBLE, layer.counts.data()))
      return cal_error(path, name, "'count' cannot be read: " + hdf5_errors());
    double total = 0;
    for (double c : layer.counts) {
      if (!std::isfinite(c) || c < 0) return cal_error(path, name, "'count' holds a negative or non-finite value");
      total += c;
    }
    if (total <= 0) return cal_error(path, name, "'count' is zero in every bucket: no input was recorded");
    cal->layers_.emplace(name, std::move(layer));
  }
  if (cal->layers_.empty()) return cal_error(path, "", "no layers under /layers");
  return cal;
}

Status CalibrationFile::read_bucket(const CalibrationLayer& layer, int b, std::vector<float>& out) const {
  const int64_t k = layer.k;
  const std::size_t n = std::size_t(layer.diagonal ? k : k * k);
  out.assign(n, 0.0f);
  const double count = layer.counts[std::size_t(b)];
  {
    Hdf5Lock lock;
    Hdf5IdGuard g{H5Gopen2(hid_t(file_id_), ("layers/" + layer.name).c_str(), H5P_DEFAULT), H5Gclose};
    if (g.id < 0) return cal_error(path_, layer.name, "the group cannot be opened: " + hdf5_errors());
    Hdf5IdGuard ds{H5Dopen2(g.id, layer.diagonal ? "diag" : "hessian", H5P_DEFAULT), H5Dclose};
    if (ds.id < 0) return cal_error(path_, layer.name, "the data cannot be opened: " + hdf5_errors());
    const bool ok = layer.diagonal ? read_slab(ds.id, {hsize_t(b), 0}, {1, hsize_t(k)}, H5T_NATIVE_FLOAT, out.data())
                                   : read_slab(ds.id, {hsize_t(b), 0, 0}, {1, hsize_t(k), hsize_t(k)}, H5T_NATIVE_FLOAT,
                                               out.data());
    if (!ok) return cal_error(path_, layer.name, "bucket " + std::to_string(b) + " cannot be read: " + hdf5_errors());
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(out[i]))
      return cal_error(path_, layer.name, "bucket " + std::to_string(b) + " holds a NaN or Inf");
  if (count == 0) {
    for (float v : out)
      if (v != 0.0f)
        return cal_error(path_, layer.name, "bucket " + std::to_string(b) + " has 'count' 0 but data that is not zero");
    return {};
  }
  const float inv = float(1.0 / count);
  if (layer.diagonal) {
    for (float& v : out) {
      if (v < 0) return cal_error(path_, layer.name, "'diag' holds a negative value (a sum of squares cannot be)");
      v *= inv;
    }
    return {};
  }
  for (int64_t i = 0; i < k; ++i) {
    if (out[std::size_t(i * k + i)] < 0)
      return cal_error(path_, layer.name, "'hessian' has a negative diagonal value (a sum of squares cannot be)");
    for (int64_t j = i + 1; j < k; ++j) {  // symmetrise: recorders sum in float and may differ in the last bits
      float& a = out[std::size_t(i * k + j)];
      float& c = out[std::size_t(j * k + i)];
      a = c = 0.5f * (a + c) * inv;
    }
    out[std::size_t(i * k + i)] *= inv;
  }
  return {};
}

Status CalibrationFile::read_weighted(const CalibrationLayer& layer, const std::vector<double>& weights,
                                      std::vector<float>& out) const {
  std::vector<float> bucket;
  out.clear();
  for (int b = 0; b < buckets_; ++b) {
    const double w = weights.empty() ? 1.0 : weights[std::size_t(b)];
    if (w == 0) continue;  // an empty bucket is still read: its data must be zero too
    if (auto s = read_bucket(layer, b, bucket); !s) return s;
    if (out.empty()) out.assign(bucket.size(), 0.0f);
    for (std::size_t i = 0; i < bucket.size(); ++i) out[i] += float(w) * bucket[i];
  }
  if (out.empty()) return cal_error(path_, layer.name, "no bucket with inputs has a weight above zero");
  return {};
}

Result<std::vector<double>> parse_timestep_weights(const std::string& text) {
  std::vector<double> weights;
  double total = 0;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    char* end = nullptr;
    const double w = item.empty() ? -1 : std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(w) || w < 0)
      return make_error(ErrorKind::BadArgument, "", "",
                        "--timestep-weights takes non-negative numbers separated by commas, one per bucket; '" + item +
                            "' is not one");
    weights.push_back(w);
    total += w;
    at = comma + 1;
  }
  if (total <= 0) return make_error(ErrorKind::BadArgument, "", "", "--timestep-weights: every weight is zero");
  return weights;
}

}  // namespace aq
