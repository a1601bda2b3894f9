#pragma once
// "Verify" after a run: the written file read back and measured against the source (compare.h),
// tensor by tensor, against what the run reported while it quantized. A mismatch means the file on
// disk is not what was measured (a writer bug, or a file changed since).
#include <cstddef>
#include <string>
#include <vector>

#include "job/compare.h"
#include "job/job.h"

namespace aq {

struct RunVerification {
  struct Tensor {
    std::size_t index = 0;   // into the source's tensors (as in TensorResult)
    double read_back_db = 0; // SQNR of the file's tensor against the source
    double difference_db = 0;  // read_back_db minus what the run reported
    bool matches = false;
  };
  std::vector<Tensor> tensors;  // every quantized tensor of the run found in the file
  std::size_t missing = 0;      // quantized by the run, absent or unreadable in the file
  std::size_t mismatched = 0;   // read back with another SQNR than the run reported
  double largest_difference_db = 0;
  std::string largest_difference_tensor;

  bool ok() const { return missing == 0 && mismatched == 0 && !tensors.empty(); }
  /// One sentence: "all 60 quantized tensors read back from F match the run (largest difference
  /// 0.0000 dB)", or what did not.
  std::string summary(const std::string& file) const;
};

/// Matches `read_back` (compare_models(source, written file)) to the run's quantized tensors by
/// name. Two SQNRs within `tolerance_db` match (the sums differ only in summation order).
RunVerification verify_run(const JobResult& run, const Comparison& read_back, double tolerance_db = 1e-3);

}  // namespace aq
