// The single-file safetensors reader: valid files read back byte-exact, and every malformed
// header refused with an Error naming the file, the tensor and the reason.
#include <gtest/gtest.h>

#include <unistd.h>

#include <thread>

#include "io/model_source.h"
#include "io/safetensors_header.h"
#include "io_test_util.h"
#include "test_support.h"

namespace {

using aq::DType;
using aq::ErrorKind;
using namespace aqtest;

std::vector<FixtureTensor> mixed_tensors() {
  return {
      {"w.f32", "F32", {2, 3}, f32_bytes(gaussian(6, 1))},
      {"w.f16", "F16", {4}, f16_bytes(gaussian(4, 2))},
      {"w.bf16", "BF16", {2, 2}, bf16_bytes(gaussian(4, 3))},
      {"ids", "I64", {3}, raw_bytes(std::vector<int64_t>{-1, 0, int64_t(1) << 40})},
      {"mask", "BOOL", {5}, {1, 0, 0, 1, 1}},
      {"scalar", "F64", {}, raw_bytes(std::vector<double>{3.25})},
      {"empty", "F32", {0, 4}, {}},
  };
}

TEST(SafetensorsSource, ReadsEveryDtypeBackByteExact) {
  TempDir dir;
  const auto tensors = mixed_tensors();
  write_safetensors(dir / "m.safetensors", tensors, {{"format", "pt"}, {"note", "hi"}});
  auto src = open_ok(dir / "m.safetensors");
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "safetensors");
  EXPECT_EQ(src->path(), dir / "m.safetensors");
  ASSERT_EQ(src->files().size(), 1u);
  EXPECT_EQ(src->metadata().at("format"), "pt");
  EXPECT_EQ(src->metadata().at("note"), "hi");
  EXPECT_TRUE(src->warnings().empty());
  ASSERT_EQ(src->tensors().size(), tensors.size());

  const uint64_t data_begin = 8 + read_file(dir / "m.safetensors")[0] +
                              256 * uint64_t(read_file(dir / "m.safetensors")[1]);
  uint64_t expect_offset = data_begin;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].name);
    const aq::TensorInfo& t = src->tensors()[i];
    EXPECT_EQ(t.name, tensors[i].name);  // written in order, so processing order is the same
    EXPECT_EQ(aq::dtype_name(t.dtype), tensors[i].dtype);
    EXPECT_EQ(t.shape, tensors[i].shape);
    EXPECT_EQ(t.nbytes, tensors[i].bytes.size());
    EXPECT_EQ(t.offset, expect_offset);
    EXPECT_EQ(t.file_index, 0u);
    EXPECT_TRUE(t.component.empty());
    EXPECT_EQ(read_tensor(*src, i), tensors[i].bytes);
    expect_offset += tensors[i].bytes.size();
  }
}

TEST(SafetensorsSource, ReadRowsIsZeroCopyAndChecksRange) {
  TempDir dir;
  const auto tensors = mixed_tensors();
  write_safetensors(dir / "m.safetensors", tensors);
  auto src = open_ok(dir / "m.safetensors");
  ASSERT_TRUE(src);
  std::vector<std::byte> scratch;
  auto all = src->read_rows(0, 0, 2, scratch);
  auto row1 = src->read_rows(0, 1, 2, scratch);
  ASSERT_TRUE(all.ok() && row1.ok());
  EXPECT_TRUE(scratch.empty());  // pointer into the mapping, no copy
  EXPECT_EQ(*row1 - *all, 12);   // one row of 3 floats
  EXPECT_EQ(std::memcmp(*row1, tensors[0].bytes.data() + 12, 12), 0);

  auto bad_rows = src->read_rows(0, 1, 3, scratch);
  ASSERT_FALSE(bad_rows.ok());
  EXPECT_EQ(bad_rows.error().tensor, "w.f32");
  EXPECT_NE(bad_rows.error().reason.find("out of range"), std::string::npos);
  EXPECT_FALSE(src->read_rows(99, 0, 1, scratch).ok());
  EXPECT_FALSE(src->read_rows(0, -1, 1, scratch).ok());
  src->release_rows(99, 0, 1);  // out of range: ignored, no crash
}

TEST(SafetensorsSource, ProcessingOrderIsByteOffsetNotHeaderOrder) {
  TempDir dir;
  // Names sort opposite to their offsets; the header lists them in yet another order.
  const std::string header =
      R"({"a_last":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},)"
      R"("__metadata__":{"k":"v"},)"
      R"("z_first":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("m_middle":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  write_raw_safetensors(dir / "o.safetensors", header.size(), header,
                        f32_bytes({1, 2, 3, 4, 5, 6}));
  auto src = open_ok(dir / "o.safetensors");
  ASSERT_TRUE(src);
  ASSERT_EQ(src->tensors().size(), 3u);
  EXPECT_EQ(src->tensors()[0].name, "z_first");
  EXPECT_EQ(src->tensors()[1].name, "m_middle");
  EXPECT_EQ(src->tensors()[2].name, "a_last");
  EXPECT_EQ(read_tensor(*src, 2), f32_bytes({5, 6}));
  EXPECT_EQ(src->find("m_middle"), 1);
}

TEST(SafetensorsSource, ReleaseRowsDoesNotBreakLaterReads) {
  TempDir dir;
  // Several pages per tensor so that release really drops whole pages.
  const auto big = f32_bytes(gaussian(64 * 1024, 7));
  const auto small = f32_bytes(gaussian(10, 8));
  write_safetensors(dir / "big.safetensors",
                    {{"small", "F32", {10}, small}, {"big", "F32", {64, 1024}, big}});
  auto src = open_ok(dir / "big.safetensors");
  ASSERT_TRUE(src);
  const std::size_t b = std::size_t(src->find("big"));
  EXPECT_EQ(read_tensor(*src, b), big);
  src->release_rows(b, 0, 32);
  src->release_rows(b, 7, 9);  // less than a page: nothing to release
  EXPECT_EQ(read_tensor(*src, b), big);
  EXPECT_EQ(read_tensor(*src, std::size_t(src->find("small"))), small);
  src->release_rows(b, 0, 64);
  src->release_rows(std::size_t(src->find("small")), 0, 1);
  EXPECT_EQ(read_tensor(*src, b), big);
  EXPECT_EQ(read_tensor(*src, std::size_t(src->find("small"))), small);
}

TEST(SafetensorsSource, ConcurrentReadsAgree) {
  TempDir dir;
  const auto bytes = f32_bytes(gaussian(256 * 64, 9));
  write_safetensors(dir / "t.safetensors", {{"w", "F32", {256, 64}, bytes}});
  auto src = open_ok(dir / "t.safetensors");
  ASSERT_TRUE(src);
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      std::vector<std::byte> scratch;
      for (int64_t r = k; r < 256; r += 4) {
        auto p = src->read_rows(0, r, r + 1, scratch);
        if (!p.ok() || std::memcmp(*p, bytes.data() + r * 256, 256) != 0) ++bad[k];
        if (r % 16 == 0) src->release_rows(0, r, r + 1);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad, std::vector<int>(4, 0));
}

// ---- malformed files ----

class BadSafetensors : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& header, const std::vector<uint8_t>& data = {}) {
    const auto p = dir_ / "bad.safetensors";
    write_raw_safetensors(p, header.size(), header, data);
    return p;
  }
  // One tensor "w" with the given entry JSON, and `data_len` bytes of data.
  std::filesystem::path write_entry(const std::string& entry, std::size_t data_len = 24) {
    return write(R"({"w":)" + entry + "}", std::vector<uint8_t>(data_len, 0));
  }
  TempDir dir_;
};

TEST_F(BadSafetensors, FileShorterThanEightBytes) {
  write_file(dir_ / "short.safetensors", {1, 2, 3, 4, 5});
  expect_open_error(dir_ / "short.safetensors", ErrorKind::BadInput, "", "is 5 bytes, shorter than the 8-byte");
  write_file(dir_ / "zero.safetensors", {});
  expect_open_error(dir_ / "zero.safetensors", ErrorKind::BadInput, "", "is 0 bytes");
}

TEST_F(BadSafetensors, HeaderLengthPastEndOfFile) {
  write_raw_safetensors(dir_ / "h.safetensors", 1000, "{}", {});
  expect_open_error(dir_ / "h.safetensors", ErrorKind::BadInput, "",
                    "header length 1000 bytes runs past the end of the file (10 bytes)");
}

TEST_F(BadSafetensors, AbsurdHeaderLength) {
  write_raw_safetensors(dir_ / "h.safetensors", 200'000'000, "{}", {});
  expect_open_error(dir_ / "h.safetensors", ErrorKind::BadInput, "", "absurd header length 200000000");
  write_raw_safetensors(dir_ / "h.safetensors", ~uint64_t(0), "{}", {});
  expect_open_error(dir_ / "h.safetensors", ErrorKind::BadInput, "", "absurd header length");
}

TEST_F(BadSafetensors, MalformedJsonSaysWhere) {
  auto e = expect_open_error(write(R"({"w": {"dtype": "F32", )"), ErrorKind::BadInput, "",
                             "malformed JSON in the header");
  EXPECT_NE(e.reason.find("line 1, column"), std::string::npos) << e.reason;
  e = expect_open_error(write(R"({"w" 1})"), ErrorKind::BadInput, "", "malformed JSON");
  EXPECT_NE(e.reason.find("column 6"), std::string::npos) << e.reason;
  expect_open_error(write(""), ErrorKind::BadInput, "", "malformed JSON");
  expect_open_error(write(std::string("{\"w\xff\": 1}")), ErrorKind::BadInput, "", "malformed JSON");
  // nlohmann would stop at the NUL and ignore the rest; the reference implementation refuses it.
  expect_open_error(write(std::string("{\"a\":1}\0\0", 9)), ErrorKind::BadInput, "", "a NUL byte at byte 8");
}

TEST_F(BadSafetensors, HeaderNotAnObject) {
  expect_open_error(write("[1, 2]"), ErrorKind::BadInput, "", "the header is an array, not a JSON object");
  expect_open_error(write("\"text\""), ErrorKind::BadInput, "", "not a JSON object");
}

TEST_F(BadSafetensors, EntryFieldsMissingOrWrongType) {
  expect_open_error(write_entry(R"({"shape":[6],"data_offsets":[0,24]})"), ErrorKind::BadInput, "w", "no 'dtype'");
  expect_open_error(write_entry(R"({"dtype":"F32","data_offsets":[0,24]})"), ErrorKind::BadInput, "w", "no 'shape'");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[6]})"), ErrorKind::BadInput, "w", "no 'data_offsets'");
  expect_open_error(write_entry(R"([1])"), ErrorKind::BadInput, "w", "the entry is an array, not an object");
  expect_open_error(write_entry(R"({"dtype":5,"shape":[6],"data_offsets":[0,24]})"), ErrorKind::BadInput, "w",
                    "'dtype' is an integer, not a string");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":"6","data_offsets":[0,24]})"), ErrorKind::BadInput, "w",
                    "'shape' must be an array of integers, not a string");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[6.0],"data_offsets":[0,24]})"), ErrorKind::BadInput,
                    "w", "shape dimension 0 is a floating-point number");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[6],"data_offsets":[0]})"), ErrorKind::BadInput, "w",
                    "'data_offsets' must be an array of two non-negative integers, got an array of 1 element");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[6],"data_offsets":[0,"24"]})"), ErrorKind::BadInput,
                    "w", "one of them a string");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[6],"data_offsets":[-4,24]})"), ErrorKind::BadInput,
                    "w", "one of them negative");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[6],"data_offsets":{"a":1}})"), ErrorKind::BadInput,
                    "w", "got an object");
}

TEST_F(BadSafetensors, NegativeDimension) {
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[-2,3],"data_offsets":[0,24]})"), ErrorKind::BadInput,
                    "w", "negative dimension -2");
}

TEST_F(BadSafetensors, ElementCountOverflow) {
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,24]})"),
                    ErrorKind::BadInput, "w", "the element count overflows");
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,24]})"),
                    ErrorKind::BadInput, "w", "the element count overflows");
  // The element count fits but the byte size does not.
  expect_open_error(write_entry(R"({"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,24]})"),
                    ErrorKind::BadInput, "w", "the byte size overflows");
}

TEST_F(BadSafetensors, OffsetsBeginAfterEnd) {
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[1],"data_offsets":[8,4]})"), ErrorKind::BadInput, "w",
                    "data_offsets [8, 4]: begin is after end");
}

TEST_F(BadSafetensors, OffsetsPastDataSection) {
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[8],"data_offsets":[0,32]})", 24), ErrorKind::BadInput,
                    "w", "data_offsets [0, 32] run past the end of the data section (24 bytes)");
}

TEST_F(BadSafetensors, OverlappingTensorsNameBoth) {
  const auto p = write(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                       R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                       std::vector<uint8_t>(24));
  expect_open_error(p, ErrorKind::BadInput, "b", "overlaps tensor 'a'");
  // A tensor inside another one, listed after a tensor that ends earlier.
  const auto q = write(R"({"big":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},)"
                       R"("inner":{"dtype":"F32","shape":[1],"data_offsets":[20,24]},)"
                       R"("x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                       std::vector<uint8_t>(32));
  expect_open_error(q, ErrorKind::BadInput, "x", "overlaps tensor 'big' at [0, 32]");
}

TEST_F(BadSafetensors, ShapeTimesDtypeNotByteRange) {
  expect_open_error(write_entry(R"({"dtype":"F32","shape":[2,3],"data_offsets":[0,20]})"), ErrorKind::BadInput,
                    "w", "shape [2, 3] x F32 (4 bytes) = 24 bytes, but data_offsets [0, 20] span 20 bytes");
}

TEST_F(BadSafetensors, UnknownDtype) {
  expect_open_error(write_entry(R"({"dtype":"F13","shape":[6],"data_offsets":[0,24]})"), ErrorKind::Unsupported,
                    "w", "unknown dtype 'F13'");
}

TEST_F(BadSafetensors, DuplicateTensorNames) {
  const auto p = write(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                       R"("w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                       std::vector<uint8_t>(16));
  expect_open_error(p, ErrorKind::BadInput, "w", "duplicate tensor name");
  expect_open_error(write_entry(R"({"dtype":"F32","dtype":"F16","shape":[6],"data_offsets":[0,24]})"),
                    ErrorKind::BadInput, "w", "duplicate key 'dtype' in its entry");
}

TEST_F(BadSafetensors, NoTensors) {
  expect_open_error(write("{}"), ErrorKind::BadInput, "", "the file holds no tensors");
  expect_open_error(write(R"({"__metadata__":{"a":"b"}})"), ErrorKind::BadInput, "", "no tensors");
}

TEST_F(BadSafetensors, MetadataValuesMustBeStrings) {
  expect_open_error(write(R"({"__metadata__":{"epoch":3},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                          std::vector<uint8_t>(4)),
                    ErrorKind::BadInput, "", "'__metadata__' value for key 'epoch' is an integer, not a string");
  expect_open_error(write(R"({"__metadata__":[1],"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                          std::vector<uint8_t>(4)),
                    ErrorKind::BadInput, "", "'__metadata__' is an array");
}

TEST_F(BadSafetensors, FileNotReadable) {
  expect_open_error(dir_ / "missing.safetensors", ErrorKind::Io, "", "no such file");
  if (geteuid() != 0) {  // root reads files whatever their mode
    const auto p = dir_ / "locked.safetensors";
    write_safetensors(p, mixed_tensors());
    std::filesystem::permissions(p, std::filesystem::perms::none);
    expect_open_error(p, ErrorKind::Io, "", "cannot open for reading");
  }
  // Not a regular file: a FIFO would block a naive reader forever.
  const auto fifo = dir_ / "pipe.safetensors";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_open_error(fifo, ErrorKind::Io, "", "not a regular file");
}

TEST_F(BadSafetensors, DeepNestingIsAnErrorNotACrash) {
  // Refused by a scan before parsing, wherever the nesting is: real headers need 3 levels.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  expect_open_error(write(deep), ErrorKind::BadInput, "", "levels deep");
  const std::string entry = R"({"dtype":"F32","shape":[6],"data_offsets":[0,24],"x":)" +
                            std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_open_error(write_entry(entry), ErrorKind::BadInput, "", "levels deep");
  // Brackets inside strings are not nesting.
  const std::string quoted = R"({"dtype":"F32","shape":[6],"data_offsets":[0,24],"x":")" + std::string(1000, '[') + "\"}";
  auto src = open_ok(write_entry(quoted));
  ASSERT_TRUE(src);
  EXPECT_EQ(src->tensors().size(), 1u);
}

TEST(SafetensorsHeader, ParsesFromMemory) {
  const std::string header = R"({"b":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}})";
  std::vector<std::byte> bytes(8 + header.size() + 3);
  bytes[0] = std::byte(header.size());
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  auto h = aq::parse_safetensors_header(bytes.data(), bytes.size(), "mem", 5);
  ASSERT_TRUE(h.ok()) << h.error().message();
  ASSERT_EQ(h->tensors.size(), 1u);
  EXPECT_EQ(h->tensors[0].file_index, 5u);
  EXPECT_EQ(h->tensors[0].offset, 8 + header.size());
  EXPECT_EQ(h->data_begin, 8 + header.size());
}

}  // namespace
