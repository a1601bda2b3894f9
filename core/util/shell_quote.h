#pragma once
// Command lines a user can paste into a POSIX shell.
#include <string>
#include <string_view>
#include <vector>

namespace aq {

/// `text` as one shell word: unchanged when it holds only characters no shell treats specially,
/// else in single quotes (a ' inside becomes '\'').
std::string shell_quote(std::string_view text);

/// The words quoted and joined with spaces.
std::string shell_join(const std::vector<std::string>& words);

}  // namespace aq
