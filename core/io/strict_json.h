#pragma once
// JSON parsing for file headers: no exceptions, a position on error, and duplicate keys caught
// (nlohmann::json would silently keep the last of two equal keys).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace aq {

struct StrictJson {
  nlohmann::json value;
  /// Keys leading to the first duplicate key, outermost first; the last one is the duplicate.
  /// {"a"}: the top-level key "a" appears twice; {"a", "b"}: "b" appears twice inside "a".
  std::optional<std::vector<std::string>> duplicate;
};

/// Deepest nesting of objects and arrays accepted: headers and indexes need 3 or 4 levels, and a
/// deeply nested document only costs time and memory.
inline constexpr int kMaxJsonDepth = 32;

/// Parses `text`. Malformed JSON is a BadInput Error naming `file` and saying where
/// ("malformed JSON in the <what>: parse error at line 1, column 7: ...").
Result<StrictJson> parse_strict_json(std::string_view text, const std::string& file,
                                     std::string_view what);

/// "an object", "an array", "a string", "an integer", ... for error messages.
std::string json_type_name(const nlohmann::json& j);

}  // namespace aq
