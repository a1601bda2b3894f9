#include "plan/rule_text.h"

#include "gguf/ggml_types.h"

namespace aq {

std::string user_rule_value(const UserRule& rule) {
  if (rule.keep) return "keep";
  if (rule.ggml_type >= 0) {
    const auto* type = gguf::find_type(gguf::GgmlType(rule.ggml_type));
    return type ? std::string(type->name) : std::to_string(rule.ggml_type);
  }
  std::string value = std::to_string(rule.bits);
  if (rule.group_size == 0) value += ":channel";
  else if (rule.group_size > 0) value += ":" + std::to_string(rule.group_size);
  return value;
}

std::string user_rule_spec(const UserRule& rule) { return rule.pattern + "=" + user_rule_value(rule); }

std::vector<std::string> user_rule_arguments(const std::vector<UserRule>& rules) {
  std::vector<std::string> args;
  for (const auto& rule : rules) {
    const std::string option = rule.keep ? "--keep" : "--rule";
    const std::string value = rule.keep ? rule.pattern : user_rule_spec(rule);
    if (!value.empty() && value.front() == '-') {
      args.push_back(option + "=" + value);
    } else {
      args.push_back(option);
      args.push_back(value);
    }
  }
  return args;
}

std::string literal_pattern(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\^$.|?*+()[]{}";
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string exact_name_pattern(std::string_view name) { return "^" + literal_pattern(name) + "$"; }

}  // namespace aq
