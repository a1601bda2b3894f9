#pragma once
// User rules written back as the text their parsers read (plan.h: make_keep_rule, parse_user_rule),
// so a front end can save them, show them, and hand them to arrowquant-cli without a parser of its
// own: parse_user_rule(user_rule_spec(r)) gives r back.
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.h"

namespace aq {

/// What follows '=' in "--rule REGEX=...": "keep", "4", "4:64", "4:channel" or "q6_k".
std::string user_rule_value(const UserRule& rule);

/// "REGEX=VALUE", the text parse_user_rule() reads (keep rules too: "REGEX=keep").
std::string user_rule_spec(const UserRule& rule);

/// The rules as arrowquant-cli arguments, in order (first match wins there too): "--keep", REGEX
/// for keep rules, "--rule", SPEC for the others. A value that starts with '-' is joined to its
/// option ("--keep=-x"), so that no other option can take it for itself.
std::vector<std::string> user_rule_arguments(const std::vector<UserRule>& rules);

/// `text` with every ECMAScript regex metacharacter escaped: matches names containing it.
std::string literal_pattern(std::string_view text);

/// "^name$", escaped: a rule for exactly this tensor.
std::string exact_name_pattern(std::string_view name);

}  // namespace aq
