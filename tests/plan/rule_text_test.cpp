// User rules written back as text: the parser reads every spec back to the same rule, patterns
// made from names match exactly those names, and the shell words survive quoting.
#include <gtest/gtest.h>

#include <regex>

#include "plan/plan.h"
#include "plan/rule_text.h"
#include "util/shell_quote.h"

namespace {

TEST(RuleText, EverySpecParsesBackToTheSameRule) {
  for (const char* spec : {"fc1=keep", "a=b=4:64", "x=8:channel", "^blocks\\.0\\.=3", "attn=q6_k", "y=2:8"}) {
    auto rule = aq::parse_user_rule(spec);
    ASSERT_TRUE(rule.ok()) << spec;
    EXPECT_EQ(aq::user_rule_spec(*rule), spec);
    auto again = aq::parse_user_rule(aq::user_rule_spec(*rule));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->pattern, rule->pattern);
    EXPECT_EQ(again->keep, rule->keep);
    EXPECT_EQ(again->bits, rule->bits);
    EXPECT_EQ(again->group_size, rule->group_size);
    EXPECT_EQ(again->ggml_type, rule->ggml_type);
  }
  EXPECT_EQ(aq::user_rule_spec(*aq::make_keep_rule("fc2")), "fc2=keep");
}

TEST(RuleText, ArgumentsKeepOrderAndGuardLeadingDashes) {
  const std::vector<aq::UserRule> rules = {*aq::make_keep_rule("fc2"), *aq::parse_user_rule("attn=8:32"),
                                           *aq::make_keep_rule("-x")};
  EXPECT_EQ(aq::user_rule_arguments(rules),
            (std::vector<std::string>{"--keep", "fc2", "--rule", "attn=8:32", "--keep=-x"}));
}

TEST(RuleText, ExactNamePatternMatchesOnlyThatName) {
  const std::string name = "model.diffusion_model.input_blocks.1.0.in_layers.(2)+[x]*?^$|{3}\\.weight";
  const std::regex re(aq::exact_name_pattern(name), std::regex::ECMAScript);
  EXPECT_TRUE(std::regex_search(name, re));
  EXPECT_FALSE(std::regex_search(name + "2", re));
  EXPECT_FALSE(std::regex_search("x" + name, re));
  const std::regex dot(aq::exact_name_pattern("a.b"), std::regex::ECMAScript);
  EXPECT_FALSE(std::regex_search("axb", dot));
  EXPECT_EQ(aq::literal_pattern("blocks.0."), "blocks\\.0\\.");
}

TEST(ShellQuote, PlainWordsStayAndTheRestIsQuoted) {
  EXPECT_EQ(aq::shell_quote("--rule"), "--rule");
  EXPECT_EQ(aq::shell_quote("attn=8:32"), "attn=8:32");
  EXPECT_EQ(aq::shell_quote(""), "''");
  EXPECT_EQ(aq::shell_quote("a b"), "'a b'");
  EXPECT_EQ(aq::shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(aq::shell_quote("^a\\.b$"), "'^a\\.b$'");
  EXPECT_EQ(aq::shell_join({"--keep", "a b", "x"}), "--keep 'a b' x");
}

}  // namespace
