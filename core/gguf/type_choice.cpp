#include "gguf/type_choice.h"

namespace aq::gguf {
namespace {

// The next type to try when a type's block does not divide the row: same kind, smaller block.
GgmlType next_smaller(GgmlType t) {
  switch (t) {
    case GgmlType::Q2_K:
    case GgmlType::Q3_K: return GgmlType::Q4_0;
    case GgmlType::Q4_K: return GgmlType::Q4_1;
    case GgmlType::Q5_K: return GgmlType::Q5_1;
    case GgmlType::Q6_K: return GgmlType::Q8_0;
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1: return GgmlType::Q8_0;
    default: return GgmlType::F16;
  }
}

}  // namespace

const TypeTraits* type_for_bits(int bits) {
  switch (bits) {
    case 8: return find_type(GgmlType::Q8_0);
    case 4: return find_type(GgmlType::Q4_K);
    case 3: return find_type(GgmlType::Q3_K);
    case 2: return find_type(GgmlType::Q2_K);
    default: return nullptr;
  }
}

TypeFit fit_type(const TypeTraits& requested, int64_t innermost) {
  TypeFit fit;
  const TypeTraits* t = &requested;
  while (t && innermost % t->block_size != 0) {
    fit.reason += (fit.reason.empty() ? "its innermost dimension (" + std::to_string(innermost) + ") is not a multiple of "
                                      : ", nor of ") +
                  std::string(t->name) + "'s " + std::to_string(t->block_size) + "-weight block";
    t = t->type == GgmlType::F16 ? nullptr : find_type(next_smaller(t->type));
  }
  fit.type = t;
  if (!fit.reason.empty()) fit.reason += t ? ": " + std::string(t->name) + " instead" : ": kept as it is";
  return fit;
}

}  // namespace aq::gguf
