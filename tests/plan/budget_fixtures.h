#pragma once
// Budget candidates for the allocation tests: a scheme of `bits`, its size and its error.
#include <cstdint>

#include "plan/budget.h"

namespace aqtest {

inline aq::BudgetCandidate cand(int bits, uint64_t bytes, double error) {
  aq::BudgetCandidate c;
  c.scheme.bits = bits;
  c.bytes = bytes;
  c.error = error;
  return c;
}

}  // namespace aqtest
