#pragma once
// Small helpers shared by the benchmark programs: JSON files, timestamps, the git commit.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace aqb {

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path);
/// Writes atomically (temporary file + rename); false on failure (message on stderr).
bool write_json_file(const std::filesystem::path& path, const nlohmann::json& j);
bool write_text_file(const std::filesystem::path& path, const std::string& text);
/// Local time as ISO 8601 with offset, e.g. 2024-05-01T12:00:00+00:00.
std::string iso_now();

}  // namespace aqb
