#pragma once
// Per-layer figures in accuracy.json are stored column-wise to keep the file small: the model has
// "layer_names" and "layer_params" once, each run "layer_sqnr_db" and "layer_cosine" in the same
// order (and its own "layer_names"/"layer_params" if its plan quantized other tensors). e2e.json
// stores rows [name, params, sqnr_db, cosine] in "layers". Both read back as rows here.
#include <nlohmann/json.hpp>

namespace aqb {

/// Rows [name, params, sqnr_db|null, cosine|null] of one run of accuracy.json's model `model`.
inline nlohmann::json accuracy_layers(const nlohmann::json& model, const nlohmann::json& run) {
  nlohmann::json rows = nlohmann::json::array();
  const auto& src = run.contains("layer_names") ? run : model;
  if (!src.contains("layer_names") || !run.contains("layer_sqnr_db")) return rows;
  const auto& names = src["layer_names"];
  const auto& params = src["layer_params"];
  const auto& sqnr = run["layer_sqnr_db"];
  const auto& cosine = run["layer_cosine"];
  for (std::size_t i = 0; i < names.size() && i < sqnr.size() && i < cosine.size(); ++i)
    rows.push_back({names[i], i < params.size() ? params[i] : nlohmann::json(0), sqnr[i], cosine[i]});
  return rows;
}

}  // namespace aqb
