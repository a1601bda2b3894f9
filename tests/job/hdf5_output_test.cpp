#include <gtest/gtest.h>
#include <hdf5.h>

#include "io/hdf5_lock.h"
#include "io/model_source.h"
#include "job/job.h"
#include "model_fixtures.h"

namespace {

std::vector<uint8_t> read_u8(hid_t file, const std::string& path) {
  hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  if (ds < 0) return {};
  hid_t space = H5Dget_space(ds);
  const auto n = H5Sget_simple_extent_npoints(space);
  std::vector<uint8_t> out(static_cast<std::size_t>(n));
  H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

std::vector<float> read_f32(hid_t file, const std::string& path) {
  hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  if (ds < 0) return {};
  hid_t space = H5Dget_space(ds);
  std::vector<float> out(std::size_t(H5Sget_simple_extent_npoints(space)));
  H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());  // HDF5 converts f16 -> f32
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

// The HDF5 output holds the same codes and scales as the packed safetensors output.
TEST(Hdf5Output, SameContentAsSafetensors) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  aq::JobConfig c;
  c.input = dir / "m.safetensors";
  c.output = dir / "q.safetensors";
  aq::JobObserver quiet;
  aq::CancelToken cancel;
  ASSERT_EQ(aq::run_job(c, quiet, cancel).status, aq::JobStatus::Succeeded);
  c.output = dir / "q.h5";
  const auto r = aq::run_job(c, quiet, cancel);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();

  auto packed = aq::open_model(dir / "q.safetensors");
  ASSERT_TRUE(packed.ok());
  std::vector<std::byte> scratch;
  const std::string name = "blocks.0.mlp.fc1.weight";
  const auto codes_index = std::size_t((*packed)->find(name + ".aq_codes"));
  const auto& info = (*packed)->tensors()[codes_index];
  auto bytes = (*packed)->read_rows(codes_index, 0, info.rows(), scratch);
  ASSERT_TRUE(bytes.ok());
  const std::vector<uint8_t> expected(reinterpret_cast<const uint8_t*>(*bytes),
                                      reinterpret_cast<const uint8_t*>(*bytes) + info.nbytes);

  std::lock_guard lock(aq::hdf5_mutex());
  hid_t f = H5Fopen(c.output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_u8(f, name + "/codes"), expected);
  const auto scales = read_f32(f, name + "/scales");
  EXPECT_FALSE(scales.empty());
  for (float s : scales) EXPECT_GT(s, 0.0f);
  const auto kept = read_f32(f, "blocks.0.attn.qkv.bias/data");
  EXPECT_EQ(kept.size(), 3u * 96);
  H5Fclose(f);
}

}  // namespace
