// Sharded safetensors models listed by a *.safetensors.index.json file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io_test_util.h"
#include "test_support.h"

namespace {

using aq::ErrorKind;
using namespace aqtest;

class Sharded : public ::testing::Test {
 protected:
  void SetUp() override {
    shard1_ = {{"layers.0.w", "F32", {2, 2}, f32_bytes({1, 2, 3, 4})},
               {"embed", "F16", {3}, f16_bytes({0.5f, 1, 2})}};
    shard2_ = {{"layers.1.w", "BF16", {2, 2}, bf16_bytes({5, 6, 7, 8})},
               {"head", "F32", {1}, f32_bytes({9})}};
    write_safetensors(dir_ / "model-00001-of-00002.safetensors", shard1_, {{"format", "pt"}});
    write_safetensors(dir_ / "model-00002-of-00002.safetensors", shard2_);
  }
  nlohmann::json good_map() const {
    return {{"layers.0.w", "model-00001-of-00002.safetensors"},
            {"embed", "model-00001-of-00002.safetensors"},
            {"layers.1.w", "model-00002-of-00002.safetensors"},
            {"head", "model-00002-of-00002.safetensors"}};
  }
  std::filesystem::path write_index(const std::string& text) {
    const auto p = dir_ / "model.safetensors.index.json";
    write_file(p, std::vector<uint8_t>(text.begin(), text.end()));
    return p;
  }
  std::filesystem::path write_index(const nlohmann::json& weight_map) {
    return write_index(nlohmann::json{{"metadata", {{"total_size", 40}}}, {"weight_map", weight_map}}.dump());
  }
  TempDir dir_;
  std::vector<FixtureTensor> shard1_, shard2_;
};

TEST_F(Sharded, OpensBothShardsInOrder) {
  const auto index = write_index(good_map());
  auto src = open_ok(index);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "safetensors-index");
  EXPECT_EQ(src->path(), index);
  ASSERT_EQ(src->files().size(), 2u);
  EXPECT_EQ(src->files()[0].filename(), "model-00001-of-00002.safetensors");
  EXPECT_EQ(src->metadata().at("format"), "pt");  // from the first shard
  EXPECT_TRUE(src->warnings().empty());
  ASSERT_EQ(src->tensors().size(), 4u);
  const std::vector<std::string> order{"layers.0.w", "embed", "layers.1.w", "head"};
  const std::vector<const FixtureTensor*> fixtures{&shard1_[0], &shard1_[1], &shard2_[0], &shard2_[1]};
  for (std::size_t i = 0; i < order.size(); ++i) {
    SCOPED_TRACE(order[i]);
    EXPECT_EQ(src->tensors()[i].name, order[i]);
    EXPECT_EQ(src->tensors()[i].file_index, i < 2 ? 0u : 1u);
    EXPECT_EQ(read_tensor(*src, i), fixtures[i]->bytes);
  }
}

TEST_F(Sharded, FolderWithAnIndexOpensIt) {
  write_index(good_map());
  auto src = open_ok(dir_.path());
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "safetensors-index");
  EXPECT_EQ(src->path(), dir_.path());
  EXPECT_EQ(src->tensors().size(), 4u);
}

TEST_F(Sharded, UnlistedTensorIsAWarning) {
  auto map = good_map();
  map.erase("head");
  auto src = open_ok(write_index(map));
  ASSERT_TRUE(src);
  EXPECT_EQ(src->tensors().size(), 4u);
  ASSERT_EQ(src->warnings().size(), 1u);
  EXPECT_NE(src->warnings()[0].find("'head'"), std::string::npos) << src->warnings()[0];
}

TEST_F(Sharded, MalformedIndex) {
  const auto e = expect_open_error(write_index(std::string(R"({"weight_map": {"a": )")), ErrorKind::BadInput, "",
                                   "malformed JSON in the index");
  EXPECT_NE(e.reason.find("line 1"), std::string::npos);
  expect_open_error(write_index(std::string("[]")), ErrorKind::BadInput, "", "not a JSON object");
  expect_open_error(write_index(std::string(R"({"weight_map": []})")), ErrorKind::BadInput, "",
                    "'weight_map' is an array, not an object");
  expect_open_error(write_index(nlohmann::json{{"layers.0.w", 3}}), ErrorKind::BadInput, "layers.0.w",
                    "not a shard file name");
  expect_open_error(write_index(nlohmann::json::object()), ErrorKind::BadInput, "", "lists no tensors");
}

TEST_F(Sharded, MissingWeightMap) {
  expect_open_error(write_index(std::string(R"({"metadata": {}})")), ErrorKind::BadInput, "",
                    "the index has no 'weight_map'");
}

TEST_F(Sharded, MissingShardFileIsNamed) {
  auto map = good_map();
  map["extra"] = "model-00003-of-00003.safetensors";
  expect_open_error(write_index(map), ErrorKind::BadInput, "",
                    "shard file 'model-00003-of-00003.safetensors' (listed for 1 tensors) does not exist");
}

TEST_F(Sharded, ListedTensorAbsentFromItsShard) {
  auto map = good_map();
  map["ghost"] = "model-00002-of-00002.safetensors";
  expect_open_error(write_index(map), ErrorKind::BadInput, "ghost",
                    "listed in the index under shard 'model-00002-of-00002.safetensors' but absent from it");
  // Listed under the wrong shard.
  map = good_map();
  map["head"] = "model-00001-of-00002.safetensors";
  expect_open_error(write_index(map), ErrorKind::BadInput, "head", "(it is in 'model-00002-of-00002.safetensors')");
}

TEST_F(Sharded, SameTensorInTwoShards) {
  write_safetensors(dir_ / "model-00002-of-00002.safetensors",
                    {shard2_[0], shard2_[1], {"embed", "F16", {3}, f16_bytes({1, 1, 1})}});
  expect_open_error(write_index(good_map()), ErrorKind::BadInput, "embed",
                    "in two shards: 'model-00001-of-00002.safetensors' and 'model-00002-of-00002.safetensors'");
}

TEST_F(Sharded, DuplicateInWeightMap) {
  const std::string text = R"({"weight_map": {"head": "model-00002-of-00002.safetensors",)"
                           R"( "head": "model-00002-of-00002.safetensors"}})";
  expect_open_error(write_index(text), ErrorKind::BadInput, "head", "listed more than once in 'weight_map'");
}

TEST_F(Sharded, ShardNameMayNotLeaveTheFolder) {
  auto map = good_map();
  map["head"] = "../model-00002-of-00002.safetensors";
  expect_open_error(write_index(map), ErrorKind::BadInput, "head", "is not a file inside the index's folder");
  map["head"] = "/etc/passwd";
  expect_open_error(write_index(map), ErrorKind::BadInput, "head", "is not a file inside the index's folder");
}

TEST_F(Sharded, CorruptShardErrorNamesTheShard) {
  write_file(dir_ / "model-00002-of-00002.safetensors", {1, 2, 3});
  expect_open_error(write_index(good_map()), ErrorKind::BadInput, "", "shorter than the 8-byte",
                    dir_ / "model-00002-of-00002.safetensors");
}

}  // namespace
