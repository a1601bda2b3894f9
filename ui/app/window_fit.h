#pragma once
// The main window's first size, from the screen it opens on: the size it was designed for
// (1480 x 940) where that fits, less where it does not (a 1024 x 700 screen, or 1600 x 1000 at
// 1.5x scaling, which is 1067 x 667 logical pixels), never below what its contents need.
#include <QRect>
#include <QSize>

namespace aqui {

inline constexpr QSize kPreferredWindowSize{1480, 940};

/// The default size on a screen whose available area is `available`, for a window whose contents
/// need at least `minimum`.
QSize defaultWindowSize(const QSize& available, const QSize& minimum);
/// The log dock's default height: 140 px on a tall screen, less on a short one (at 700 px the
/// layer table needs the room more).
int defaultLogHeight(int availableHeight);
/// Whether the log dock shares the settings dock's place as a tab instead of taking a strip under
/// the layer table: on screens under 800 px tall (a 1024 x 700 screen showed five table rows).
bool logBesideSettings(int availableHeight);
/// Whether a saved window frame lies entirely on the available area (a saved geometry is only
/// restored when it does: screens change, and scaling changes their logical size).
bool fitsOn(const QRect& frame, const QRect& available);

}  // namespace aqui
