#pragma once
// The tensor lists of the synthetic models: names and shapes as the real networks have them.
#include <cstdint>
#include <string>
#include <vector>

#include "demo/synthetic_model.h"

namespace aq::synth {

enum class Init {
  Linear,     // trained-looking weight matrix: heavy tails, outlier input channels, row scale spread
  Embedding,  // lookup table: Gaussian rows
  Bias,       // small values around 0
  Norm,       // gains around 1
  SinCos,     // fixed 2-D sine-cosine positional embedding (as DiT stores it)
};

struct TensorRecipe {
  std::string name;
  std::vector<int64_t> shape;
  Init init = Init::Linear;
  float stddev = 0.02f;
};

std::vector<TensorRecipe> recipe(SyntheticPreset preset);

}  // namespace aq::synth
