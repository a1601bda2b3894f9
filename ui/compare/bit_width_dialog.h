#pragma once
// "Compare bit widths…": which bit widths to run one after the other.
#include <optional>
#include <vector>

class QWidget;

namespace aqui {

/// The chosen bit widths (INT2, INT4 and INT8 ticked at first), or nothing if cancelled.
std::optional<std::vector<int>> askBitWidths(QWidget* parent);

}  // namespace aqui
