#pragma once
// A small command-line parser: options are taken out as the command asks for them, and whatever
// is left that looks like an option is an error. Accepts "--name value" and "--name=value".
#include <initializer_list>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace aqcli {

class Args {
 public:
  Args(int argc, char** argv, int first);

  std::optional<std::string> value(std::string_view name, std::string_view short_name = {});
  std::vector<std::string> values(std::string_view name);
  /// Every occurrence of any of `names`, in command-line order, as (name, value).
  std::vector<std::pair<std::string, std::string>> tagged_values(std::initializer_list<std::string_view> names);
  bool flag(std::string_view name, std::string_view short_name = {});
  /// The remaining arguments; sets error() if any of them is an unknown option.
  std::vector<std::string> positionals();

  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }

 private:
  std::vector<std::string> tokens_;
  std::string error_;
};

/// Parses a whole non-negative number, or nullopt.
std::optional<long long> parse_count(const std::string& text);

}  // namespace aqcli
