#include "calibration_fixture.h"

#include <hdf5.h>

#include <random>

#include "io/hdf5_lock.h"

namespace aqtest {

void write_calibration(const std::filesystem::path& path, const CalFile& file) {
  aq::Hdf5Lock lock;
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  auto scalar = H5Screate(H5S_SCALAR);
  const hid_t str = H5Tcopy(H5T_C_S1);
  hid_t a;
  if (file.variable_utf8) {
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    const char* text = file.format.c_str();
    a = H5Acreate2(f, "format", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, str, &text);
  } else {
    H5Tset_size(str, file.format.size() + 1);
    a = H5Acreate2(f, "format", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, str, file.format.c_str());
  }
  H5Aclose(a);
  a = H5Acreate2(f, "version", H5T_STD_I64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT64, &file.version);
  H5Aclose(a);
  if (!file.bucket_edges.empty()) {
    const hsize_t n = file.bucket_edges.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    a = H5Acreate2(f, "bucket_edges", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, file.bucket_edges.data());
    H5Aclose(a);
    H5Sclose(space);
  }
  H5Tclose(str);
  H5Sclose(scalar);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  for (const CalLayer& l : file.layers) {
    const std::string group = "layers/" + l.name;
    const hid_t g = H5Gcreate2(f, group.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<hsize_t> dims = {hsize_t(l.buckets), hsize_t(l.k)};
    if (!l.diagonal) dims.push_back(hsize_t(l.k));
    if (l.data_rank) dims.resize(std::size_t(l.data_rank), 1);
    hsize_t total = 1;
    for (hsize_t d : dims) total *= d;
    const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    const hid_t type = l.data_as_int ? H5T_STD_I32LE : H5T_IEEE_F32LE;
    const hid_t ds = H5Dcreate2(g, l.diagonal ? "diag" : "hessian", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<float> data = l.data;
    data.resize(total, 0.0f);
    if (l.data_as_int) {
      std::vector<int32_t> ints(data.begin(), data.end());
      H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints.data());
    } else {
      H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
    }
    H5Dclose(ds);
    H5Sclose(space);
    if (!l.omit_count) {
      const hsize_t n = l.counts.size();
      const hid_t cs = H5Screate_simple(1, &n, nullptr);
      const hid_t c = H5Dcreate2(g, "count", H5T_IEEE_F64LE, cs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(c, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, l.counts.data());
      H5Dclose(c);
      H5Sclose(cs);
    }
    H5Gclose(g);
  }
  H5Pclose(lcpl);
  H5Fclose(f);
}

std::vector<float> correlated_hessian(int64_t k, int64_t samples, uint64_t seed, float scale) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n01(0.0f, 1.0f);
  const int64_t factors = std::max<int64_t>(2, k / 8);
  std::vector<float> mix(std::size_t(k * factors));
  for (float& v : mix) v = n01(rng);
  std::vector<double> h(std::size_t(k * k), 0.0);
  std::vector<float> z(static_cast<std::size_t>(factors)), x(static_cast<std::size_t>(k));
  for (int64_t s = 0; s < samples; ++s) {
    for (float& v : z) v = n01(rng) * scale;
    for (int64_t i = 0; i < k; ++i) {
      float acc = 0.3f * n01(rng) * scale;
      for (int64_t j = 0; j < factors; ++j) acc += mix[std::size_t(i * factors + j)] * z[std::size_t(j)];
      x[std::size_t(i)] = acc;
    }
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) h[std::size_t(i * k + j)] += double(x[std::size_t(i)]) * x[std::size_t(j)];
  }
  return std::vector<float>(h.begin(), h.end());
}

CalLayer hessian_layer(const std::string& name, int64_t k, uint64_t seed, int buckets) {
  CalLayer l;
  l.name = name;
  l.k = k;
  l.buckets = buckets;
  for (int b = 0; b < buckets; ++b) {
    const auto h = correlated_hessian(k, 2 * k, seed + uint64_t(b), 1.0f + float(b));
    l.data.insert(l.data.end(), h.begin(), h.end());
    l.counts.push_back(double(2 * k));
  }
  return l;
}

}  // namespace aqtest
