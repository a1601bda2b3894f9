#include "report/report_text.h"

#include <cstdio>

namespace aqb {

namespace {
std::string printf_text(const char* format, int precision, double v) {
  if (!std::isfinite(v)) return "n/a";
  char b[64];
  std::snprintf(b, sizeof b, format, precision, v);
  return b;
}
}  // namespace

std::string fmt(double v, int decimals) { return printf_text("%.*f", decimals, v); }
std::string signed_fmt(double v, int decimals) { return printf_text("%+.*f", decimals, v); }
std::string sig(double v, int digits) { return printf_text("%.*g", digits, v); }

double num(const nlohmann::json& j, const char* key, double fallback) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string str(const nlohmann::json& j, const char* key, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

const nlohmann::json& arr(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  if (!j.is_object()) return empty;
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

}  // namespace aqb
