#include "common/json_io.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

namespace aqb {

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << path.string() << ": " << e.what() << "\n";
    return std::nullopt;
  }
}

bool write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "cannot write " << tmp << "\n";
      return false;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::cerr << "cannot rename " << tmp << ": " << ec.message() << "\n";
  return !ec;
}

bool write_json_file(const std::filesystem::path& path, const nlohmann::json& j) {
  return write_text_file(path, j.dump() + "\n");  // compact: the raw files are committed with the report
}

std::string iso_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  char out[72];  // +0000 -> +00:00
  const std::size_t n = std::strlen(buf);
  if (n < 5) return buf;
  std::snprintf(out, sizeof out, "%.*s:%s", int(n - 2), buf, buf + n - 2);
  return out;
}

}  // namespace aqb
