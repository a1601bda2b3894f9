#include "args.h"

#include <cstdlib>

namespace aqcli {

Args::Args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) tokens_.emplace_back(argv[i]);
}

std::optional<std::string> Args::value(std::string_view name, std::string_view short_name) {
  std::optional<std::string> found;
  for (std::size_t i = 0; i < tokens_.size();) {
    const std::string& t = tokens_[i];
    const std::string prefix = std::string(name) + "=";
    if (t.rfind(prefix, 0) == 0) {
      found = t.substr(prefix.size());
      tokens_.erase(tokens_.begin() + long(i));
      continue;
    }
    if (t == name || (!short_name.empty() && t == short_name)) {
      if (i + 1 >= tokens_.size()) {
        error_ = "option " + t + " needs a value";
        tokens_.erase(tokens_.begin() + long(i));
        continue;
      }
      found = tokens_[i + 1];
      tokens_.erase(tokens_.begin() + long(i), tokens_.begin() + long(i) + 2);
      continue;
    }
    ++i;
  }
  return found;
}

std::vector<std::string> Args::values(std::string_view name) {
  std::vector<std::string> out;
  for (auto& [n, v] : tagged_values({name})) out.push_back(std::move(v));
  return out;
}

std::vector<std::pair<std::string, std::string>> Args::tagged_values(std::initializer_list<std::string_view> names) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < tokens_.size();) {
    const std::string& t = tokens_[i];
    bool taken = false;
    for (std::string_view name : names) {
      const std::string prefix = std::string(name) + "=";
      if (t.rfind(prefix, 0) == 0) {
        out.emplace_back(std::string(name), t.substr(prefix.size()));
        tokens_.erase(tokens_.begin() + long(i));
        taken = true;
      } else if (t == name && i + 1 < tokens_.size()) {
        out.emplace_back(std::string(name), tokens_[i + 1]);
        tokens_.erase(tokens_.begin() + long(i), tokens_.begin() + long(i) + 2);
        taken = true;
      }
      if (taken) break;
    }
    if (!taken) ++i;
  }
  return out;
}

bool Args::flag(std::string_view name, std::string_view short_name) {
  bool found = false;
  for (std::size_t i = 0; i < tokens_.size();) {
    if (tokens_[i] == name || (!short_name.empty() && tokens_[i] == short_name)) {
      found = true;
      tokens_.erase(tokens_.begin() + long(i));
    } else {
      ++i;
    }
  }
  return found;
}

std::vector<std::string> Args::positionals() {
  for (const auto& t : tokens_)
    if (t.size() > 1 && t[0] == '-' && error_.empty()) error_ = "unknown option " + t;
  return tokens_;
}

std::optional<long long> parse_count(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || v < 0) return std::nullopt;
  return v;
}

}  // namespace aqcli
