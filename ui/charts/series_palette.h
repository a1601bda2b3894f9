#pragma once
// One colour per run, the same in every comparison chart, readable on light and dark backgrounds.
#include <QColor>

namespace aqui {

inline QColor seriesColor(int i) {
  static const QColor kColors[] = {QColor(0x2f, 0x6f, 0xde), QColor(0xe0, 0x6c, 0x1f),
                                   QColor(0x2a, 0xa1, 0x5a), QColor(0xc8, 0x37, 0x6d),
                                   QColor(0x8a, 0x5c, 0xd6), QColor(0x1d, 0xa5, 0xb8),
                                   QColor(0xb8, 0x9a, 0x1d), QColor(0x7a, 0x7f, 0x8a)};
  return kColors[(i % 8 + 8) % 8];
}

}  // namespace aqui
