#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <map>

#include "io/hdf5_lock.h"
#include "io/hdf5_source.h"
#include "io/model_source.h"
#include "io/packed_format.h"
#include "job/dequantize.h"
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

// The mini DiT plus kept tensors of other dtypes (a BF16 vector is stored as uint16 bits).
void write_model(const std::filesystem::path& path) {
  auto t = aqtest::mini_dit_tensors(7);
  t.push_back({"extra.bf16_gain", "BF16", {40}, aqtest::bf16_bytes(aqtest::gaussian(40, 21, 1.0f))});
  t.push_back({"extra.f32_scale", "F32", {3}, aqtest::f32_bytes({1.5f, -2.0f, 0.25f})});
  t.push_back({"extra.mask", "U8", {2, 3}, {1, 0, 1, 1, 0, 0}});
  aqtest::write_safetensors(path, t);
}

// Every tensor of a safetensors file, by name: dtype, shape and bytes.
std::map<std::string, std::tuple<aq::DType, std::vector<int64_t>, std::vector<uint8_t>>> all_tensors(
    const std::filesystem::path& path) {
  std::map<std::string, std::tuple<aq::DType, std::vector<int64_t>, std::vector<uint8_t>>> out;
  auto src = aq::open_model(path);
  EXPECT_TRUE(src.ok()) << (src.ok() ? "" : src.error().message());
  if (!src.ok()) return out;
  std::vector<std::byte> scratch;
  for (std::size_t i = 0; i < (*src)->tensors().size(); ++i) {
    const auto& t = (*src)->tensors()[i];
    auto p = (*src)->read_rows(i, 0, t.rows(), scratch);
    EXPECT_TRUE(p.ok());
    std::vector<uint8_t> bytes(t.nbytes);
    if (p.ok() && t.nbytes) std::memcpy(bytes.data(), *p, t.nbytes);
    out[t.name] = {t.dtype, t.shape, std::move(bytes)};
  }
  return out;
}

struct Quantized {
  aqtest::TempDir dir;
  void run(const aq::PlanOptions& plan) {
    write_model(dir / "m.safetensors");
    aq::JobConfig c;
    c.input = dir / "m.safetensors";
    c.plan = plan;
    aq::JobObserver quiet;
    aq::CancelToken cancel;
    for (const char* out : {"q.safetensors", "q.h5"}) {
      c.output = dir / out;
      const auto r = aq::run_job(c, quiet, cancel);
      ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
    }
  }
};

// Our HDF5 output reads back as the packed view: the same tensors, bytes and metadata as the
// packed safetensors file, so dequantize and compare work on it unchanged.
TEST(Hdf5Output, ReadsBackAsThePackedView) {
  Quantized q;
  q.run({});
  const auto st = all_tensors(q.dir / "q.safetensors");
  const auto h5 = all_tensors(q.dir / "q.h5");
  ASSERT_FALSE(st.empty());
  ASSERT_EQ(st.size(), h5.size());
  for (const auto& [name, v] : st) {
    SCOPED_TRACE(name);
    auto it = h5.find(name);
    ASSERT_NE(it, h5.end());
    EXPECT_EQ(int(std::get<0>(it->second)), int(std::get<0>(v)));
    EXPECT_EQ(std::get<1>(it->second), std::get<1>(v));
    EXPECT_TRUE(std::get<2>(it->second) == std::get<2>(v));
  }
  EXPECT_EQ(int(std::get<0>(h5.at("extra.bf16_gain"))), int(aq::DType::BF16));  // not U16

  auto src = aq::open_model(q.dir / "q.h5");
  ASSERT_TRUE(src.ok());
  auto a = aq::packed::parse_metadata((*src)->metadata(), "h5");
  ASSERT_TRUE(a.ok()) << a.error().message();
  auto b_src = aq::open_model(q.dir / "q.safetensors");
  auto b = aq::packed::parse_metadata((*b_src)->metadata(), "st");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (const auto& [name, t] : *b) {
    ASSERT_TRUE(a->count(name)) << name;
    const auto& u = a->at(name);
    EXPECT_EQ(u.scheme, t.scheme) << name;
    EXPECT_EQ(u.shape, t.shape) << name;
    EXPECT_EQ(int(u.dtype), int(t.dtype)) << name;
    EXPECT_EQ(u.layout.codes_bytes, t.layout.codes_bytes) << name;
  }
}

// dequantize of the HDF5 output gives bit-identical values to dequantize of the safetensors one.
TEST(Hdf5Output, DequantizesBitIdenticallyToSafetensors) {
  for (bool symmetric : {false, true}) {
    SCOPED_TRACE(symmetric ? "symmetric" : "asymmetric");
    Quantized q;
    aq::PlanOptions plan;
    plan.scheme.symmetric = symmetric;
    plan.scheme.bits = symmetric ? 3 : 4;
    q.run(plan);
    for (aq::DType dtype : {aq::DType::F32, aq::DType::F16}) {
      auto from_st = aq::dequantize_file(q.dir / "q.safetensors", q.dir / "d_st.safetensors", dtype);
      ASSERT_TRUE(from_st.ok()) << from_st.error().message();
      auto from_h5 = aq::dequantize_file(q.dir / "q.h5", q.dir / "d_h5.safetensors", dtype);
      ASSERT_TRUE(from_h5.ok()) << from_h5.error().message();
      EXPECT_EQ(from_h5->tensors, from_st->tensors);
      EXPECT_EQ(from_h5->dequantized, from_st->dequantized);
      EXPECT_GT(from_h5->dequantized, 0u);
      const auto a = all_tensors(q.dir / "d_st.safetensors");
      const auto b = all_tensors(q.dir / "d_h5.safetensors");
      ASSERT_EQ(a.size(), b.size());
      for (const auto& [name, v] : a) {
        ASSERT_TRUE(b.count(name)) << name;
        EXPECT_TRUE(b.at(name) == v) << name;
      }
    }
  }
}

// Edits one thing in a copy of a good HDF5 output with the C API.
void edit(const std::filesystem::path& file, const std::function<void(hid_t)>& change) {
  aq::Hdf5Lock lock;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  change(f);
  H5Fclose(f);
}

void set_int(hid_t f, const char* obj, const char* attr, int64_t v) {
  const hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
  ASSERT_GE(o, 0) << obj;
  H5Adelete(o, attr);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(o, attr, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT64, &v);
  H5Aclose(a);
  H5Sclose(space);
  H5Oclose(o);
}

void set_string(hid_t f, const char* obj, const char* attr, const std::string& v) {
  const hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
  ASSERT_GE(o, 0) << obj;
  H5Adelete(o, attr);
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, v.size());
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(o, attr, t, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, v.data());
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(t);
  H5Oclose(o);
}

void set_shape(hid_t f, const char* obj, const std::vector<int64_t>& v) {
  const hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
  ASSERT_GE(o, 0) << obj;
  H5Adelete(o, "shape");
  const hsize_t n = v.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t a = H5Acreate2(o, "shape", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT64, v.data());
  H5Aclose(a);
  H5Sclose(space);
  H5Oclose(o);
}

TEST(Hdf5Output, MalformedAttributesAreRefusedByName) {
  Quantized q;
  q.run({});
  const std::string w = "blocks.0.mlp.fc1.weight";  // quantized, [384, 96]
  const std::string k = "extra.bf16_gain";          // kept
  struct Case {
    const char* what;
    std::string tensor;  // expected in the error ("" for the file)
    std::string phrase;
    std::function<void(hid_t)> change;
  };
  const std::vector<Case> cases{
      {"bits", w, "'bits' is 5", [&](hid_t f) { set_int(f, w.c_str(), "bits", 5); }},
      {"group_size 0", w, "'group_size' is 0", [&](hid_t f) { set_int(f, w.c_str(), "group_size", 0); }},
      {"group_size huge", w, "'group_size' is", [&](hid_t f) { set_int(f, w.c_str(), "group_size", INT64_MAX); }},
      {"symmetric", w, "'symmetric' is 7", [&](hid_t f) { set_int(f, w.c_str(), "symmetric", 7); }},
      {"symmetric flipped", w, "'symmetric' is 1, but the group has a 'zeros' dataset",
       [&](hid_t f) { set_int(f, w.c_str(), "symmetric", 1); }},
      {"method", w, "'method' is 'magic'", [&](hid_t f) { set_string(f, w.c_str(), "method", "magic"); }},
      {"dtype", w, "'dtype' is 'F99'", [&](hid_t f) { set_string(f, w.c_str(), "dtype", "F99"); }},
      {"dtype not float", w, "never quantizes", [&](hid_t f) { set_string(f, w.c_str(), "dtype", "I32"); }},
      {"kind", w, "'kind' is 'other'", [&](hid_t f) { set_string(f, w.c_str(), "kind", "other"); }},
      {"bits as string", w, "'bits' is not an integer", [&](hid_t f) { set_string(f, w.c_str(), "bits", "4"); }},
      {"shape vs codes", w, "dataset 'codes' has shape", [&](hid_t f) { set_shape(f, w.c_str(), {385, 96}); }},
      {"shape overflow", w, "overflows", [&](hid_t f) { set_shape(f, w.c_str(), {INT64_MAX, INT64_MAX}); }},
      {"shape negative", w, "negative dimension", [&](hid_t f) { set_shape(f, w.c_str(), {-384, 96}); }},
      {"no scales", w, "has no dataset 'scales'",
       [&](hid_t f) { H5Ldelete(f, (w + "/scales").c_str(), H5P_DEFAULT); }},
      {"kept dtype", k, "holds U16 elements, expected F32", [&](hid_t f) { set_string(f, k.c_str(), "dtype", "F32"); }},
      {"kept shape", k, "dataset 'data' has shape [40], expected [41]", [&](hid_t f) { set_shape(f, k.c_str(), {41}); }},
      {"format_version", "", "unsupported format_version 2", [&](hid_t f) { set_int(f, "/", "format_version", 2); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const auto bad = q.dir / "bad.h5";
    std::filesystem::copy_file(q.dir / "q.h5", bad, std::filesystem::copy_options::overwrite_existing);
    edit(bad, c.change);
    auto r = aq::open_model(bad);
    ASSERT_FALSE(r.ok());
    const aq::Error& e = r.error();
    EXPECT_EQ(int(e.kind), int(aq::ErrorKind::BadInput)) << e.message();
    EXPECT_EQ(e.file, bad.string());
    EXPECT_EQ(e.tensor, c.tensor) << e.message();
    EXPECT_NE(e.reason.find(c.phrase), std::string::npos) << e.message();
    // dequantize says the same.
    auto d = aq::dequantize_file(bad, q.dir / "d.safetensors", aq::DType::F32);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().file, bad.string());
  }
}

}  // namespace
