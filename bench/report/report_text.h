#pragma once
// Number formatting and tolerant JSON access shared by the report's sections: an absent file, key
// or non-numeric value reads as "nothing measured" (NaN, an empty array), and prints as "n/a".
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace aqb {

/// v with `decimals` digits after the point ("n/a" when not finite).
std::string fmt(double v, int decimals);
/// The same with a sign: "+0.32".
std::string signed_fmt(double v, int decimals);
/// v with `digits` significant digits ("%g").
std::string sig(double v, int digits = 3);

/// j[key] as a number, else `fallback` (NaN unless given).
double num(const nlohmann::json& j, const char* key, double fallback = std::nan(""));
/// j[key] as a string, else `fallback`.
std::string str(const nlohmann::json& j, const char* key, const std::string& fallback = "");
/// j[key] when it is an array, else an empty array.
const nlohmann::json& arr(const nlohmann::json& j, const char* key);

}  // namespace aqb
