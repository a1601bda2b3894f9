#include "ui/settings/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>

#include "ui/settings/theme_style.h"

namespace aqui {

QString themeName(Theme t) { return t == Theme::Dark ? "dark" : "light"; }
Theme themeFromName(const QString& s) { return s == "dark" ? Theme::Dark : Theme::Light; }

namespace {

QPalette darkPalette() {
  QPalette p;
  const QColor window(0x2b, 0x2e, 0x35), base(0x1f, 0x22, 0x28), text(0xe6, 0xe8, 0xec);
  const QColor accent(0x4c, 0x8d, 0xf6), muted(0x8a, 0x90, 0x9c);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(0x26, 0x29, 0x30));
  p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x37, 0x40));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, muted);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, QColor(0x35, 0x39, 0x42));
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Link, accent);
  p.setColor(QPalette::Highlight, accent);
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Mid, QColor(0x45, 0x49, 0x52));
  p.setColor(QPalette::Dark, QColor(0x18, 0x1a, 0x1f));
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, muted);
  return p;
}

}  // namespace

void applyTheme(Theme t) {
  // Fusion draws the palette faithfully on every platform, so both themes look the same everywhere
  // (ThemeStyle: Fusion with visible check boxes on dark, and a marked active preset).
  QApplication::setStyle(new ThemeStyle);
  QApplication::setPalette(t == Theme::Dark ? darkPalette()
                                            : QApplication::style()->standardPalette());
}

QColor errorTextColor(const QPalette& p) {
  // Follows the palette rather than the saved theme, so a widget asked during a theme change
  // (PaletteChange) gets the colour of the palette it is about to be drawn with.
  return p.color(QPalette::Window).lightness() < 128 ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x39, 0x2b);
}

}  // namespace aqui
