#pragma once
// Text from files (tensor names, dtypes, paths) made safe to show: control characters and bytes
// that are not UTF-8 become escapes (so a name cannot drive the terminal), and absurdly long text
// is shortened around the middle. Used by Error::message() and wherever file text reaches a user.
#include <cstddef>
#include <string>
#include <string_view>

namespace aq {

/// Escapes control characters (\n, \t, \x1b ...) and invalid UTF-8 bytes (\xNN).
std::string escape_text(std::string_view text);

/// escape_text(), then at most about `max_chars` characters: "head...tail (N bytes)".
std::string display_text(std::string_view text, std::size_t max_chars = 160);

/// True when `text` is valid UTF-8 (JSON output needs it).
bool is_valid_utf8(std::string_view text);

}  // namespace aq
