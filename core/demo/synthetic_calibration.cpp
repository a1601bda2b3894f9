#include "demo/synthetic_calibration.h"

#include <hdf5.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "calib/gptq_math.h"
#include "io/atomic_file.h"
#include "io/hdf5_lock.h"
#include "io/hdf5_types.h"
#include "io/model_source.h"

namespace aq {
namespace {

// m synthetic input vectors of width k: r shared factors mixed into the channels, each channel
// scaled (a few much louder, as in real activations), plus independent noise.
std::vector<float> synthetic_inputs(int64_t m, int64_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n01(0.0f, 1.0f);
  const int64_t r = std::max<int64_t>(4, k / 16);
  std::vector<float> z(std::size_t(m * r)), mix(std::size_t(r * k)), x(std::size_t(m * k), 0.0f), scale(static_cast<std::size_t>(k));
  for (float& v : z) v = n01(rng);
  for (float& v : mix) v = -n01(rng) / std::sqrt(float(r));  // negated: subtract_product adds it
  for (float& s : scale) s = std::exp(0.8f * n01(rng));
  best_gptq_math().subtract_product(x.data(), k, z.data(), r, mix.data(), k, m, k, r);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j) {
      float& v = x[std::size_t(i * k + j)];
      v = (v + 0.3f * n01(rng)) * scale[std::size_t(j)];
    }
  return x;
}

Error h5_error(const std::filesystem::path& path, const std::string& tensor, const std::string& what) {
  return make_error(ErrorKind::Io, path.string(), tensor, what + ": " + hdf5_errors());
}

}  // namespace

Status write_synthetic_calibration(const ModelSource& source, const std::filesystem::path& path,
                                   const SyntheticCalibrationOptions& options,
                                   const std::function<void(double)>& progress) {
  auto file = AtomicFile::create(path, /*open_fd=*/false);
  if (!file) return file.error();
  const std::filesystem::path temp = file->temp_path();
  const int buckets = std::max(1, options.buckets);
  std::vector<const TensorInfo*> layers;
  for (const auto& t : source.tensors())
    if (t.shape.size() >= 2 && is_quantizable(t.dtype) && t.cols() > 0 && t.rows() > 0) layers.push_back(&t);

  Status status;
  {
    Hdf5Lock lock;
    const hid_t f = H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return h5_error(path, "", "cannot create the file");
    auto write_attrs = [&]() -> bool {
      const hid_t scalar = H5Screate(H5S_SCALAR);
      const hid_t str = H5Tcopy(H5T_C_S1);
      const std::string format = "arrowquant-calibration";
      H5Tset_size(str, format.size() + 1);
      const hid_t a = H5Acreate2(f, "format", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
      const int64_t version = 1;
      const hid_t v = H5Acreate2(f, "version", H5T_STD_I64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
      const bool ok = a >= 0 && v >= 0 && H5Awrite(a, str, format.c_str()) >= 0 && H5Awrite(v, H5T_NATIVE_INT64, &version) >= 0;
      H5Aclose(a), H5Aclose(v), H5Tclose(str), H5Sclose(scalar);
      return ok;
    };
    if (!write_attrs()) status = h5_error(path, "", "cannot write the root attributes");
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (std::size_t i = 0; status && i < layers.size(); ++i) {
      const TensorInfo& t = *layers[i];
      const int64_t k = t.cols();
      const bool diagonal = k > options.diag_above;
      const int64_t m = std::max<int64_t>(256, k / 8);  // input vectors per bucket
      Hdf5IdGuard g{H5Gcreate2(f, ("layers/" + t.name).c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
      if (g.id < 0) {
        status = h5_error(path, t.name, "cannot create the group");
        break;
      }
      const hsize_t dims[3] = {hsize_t(buckets), hsize_t(k), hsize_t(k)};
      Hdf5IdGuard space{H5Screate_simple(diagonal ? 2 : 3, dims, nullptr), H5Sclose};
      Hdf5IdGuard ds{H5Dcreate2(g.id, diagonal ? "diag" : "hessian", H5T_IEEE_F32LE, space.id, H5P_DEFAULT, H5P_DEFAULT,
                                H5P_DEFAULT),
                     H5Dclose};
      std::vector<double> counts(static_cast<std::size_t>(buckets), static_cast<double>(m));
      for (int b = 0; status && b < buckets; ++b) {
        const uint64_t seed = options.seed * 1000003u + std::hash<std::string>{}(t.name) + uint64_t(b);
        std::vector<float> h(std::size_t(diagonal ? k : k * k), 0.0f);
        if (diagonal) {  // the expected sums of squares of the same activations: no m x k matrix
          std::mt19937_64 rng(seed);
          std::normal_distribution<float> n01(0.0f, 1.0f);
          for (float& v : h) {
            const float s = std::exp(0.8f * n01(rng));
            v = float(m) * s * s * 1.09f;
          }
        } else {
          best_gptq_math().add_gram(h.data(), synthetic_inputs(m, k, seed).data(), m, k);
        }
        const hsize_t start[3] = {hsize_t(b), 0, 0}, count[3] = {1, hsize_t(k), hsize_t(k)};
        Hdf5IdGuard fs{H5Dget_space(ds.id), H5Sclose};
        Hdf5IdGuard ms{H5Screate_simple(diagonal ? 2 : 3, count, nullptr), H5Sclose};
        if (ds.id < 0 || H5Sselect_hyperslab(fs.id, H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
            H5Dwrite(ds.id, H5T_NATIVE_FLOAT, ms.id, fs.id, H5P_DEFAULT, h.data()) < 0)
          status = h5_error(path, t.name, "cannot write the matrix");
      }
      const hsize_t nb = hsize_t(buckets);
      Hdf5IdGuard cs{H5Screate_simple(1, &nb, nullptr), H5Sclose};
      Hdf5IdGuard c{H5Dcreate2(g.id, "count", H5T_IEEE_F64LE, cs.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
      if (status && (c.id < 0 || H5Dwrite(c.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, counts.data()) < 0))
        status = h5_error(path, t.name, "cannot write the counts");
      if (progress) progress(double(i + 1) / double(layers.size()));
    }
    H5Pclose(lcpl);
    if (H5Fclose(f) < 0 && status) status = h5_error(path, "", "cannot close the file");
  }
  if (!status) {
    file->abort();
    return status;
  }
  return file->commit();
}

}  // namespace aq
