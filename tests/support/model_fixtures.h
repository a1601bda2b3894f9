#pragma once
// Small models for job, plan and CLI tests, written with the test_support helpers.
#include <filesystem>
#include <vector>

#include "job/job.h"
#include "test_support.h"

namespace aqtest {

/// A DiT-like model in miniature: embedders, two blocks (qkv, proj, fc1, fc2, adaLN; biases and
/// norm gains), a final layer, an I64 buffer; F16 weights with a heavy-tailed outlier column, an
/// F32 and a BF16 matrix, and row lengths that are not multiples of 64.
std::vector<FixtureTensor> mini_dit_tensors(uint64_t seed = 7);
void write_mini_dit(const std::filesystem::path& path, uint64_t seed = 7);

/// Runs a job with no observer and no cancel: for tests that only need its result.
aq::JobResult run_quietly(const aq::JobConfig& config);

}  // namespace aqtest
