#include "ui/app/window_fit.h"

#include <algorithm>

namespace aqui {

QSize defaultWindowSize(const QSize& available, const QSize& minimum) {
  // Leave a margin for the frame and the desktop's panels on a screen smaller than the design.
  const QSize room(available.width() * 96 / 100, available.height() * 94 / 100);
  return kPreferredWindowSize.boundedTo(room).expandedTo(minimum);
}

int defaultLogHeight(int availableHeight) { return std::clamp(availableHeight / 7, 60, 140); }

bool logBesideSettings(int availableHeight) { return availableHeight < 800; }

bool fitsOn(const QRect& frame, const QRect& available) { return frame.isValid() && available.contains(frame); }

}  // namespace aqui
