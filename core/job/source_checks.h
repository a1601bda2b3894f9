#pragma once
// What makes a model unfit to quantize as it is, found before any work.
#include "util/result.h"

namespace aq {

class ModelSource;

/// Refuses (BadInput, with what to do instead):
///  - ArrowQuant's own packed output: quantizing it again would quantize its codes, scales and
///    zero points as if they were weights;
///  - a tensor whose name ends in a suffix the packed format reserves (.aq_codes, .aq_scales,
///    .aq_zeros): its output would be ambiguous (docs/FORMAT.md, "Reserved names").
Status check_quantizable_source(const ModelSource& source);

}  // namespace aq
