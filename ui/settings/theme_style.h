#pragma once
// The application's style: Fusion, with two fixes Fusion's own drawing lacks.
// - On a dark palette, Fusion outlines check boxes and radio buttons with a shade darker than
//   the window, which all but disappears: they get a light outline instead.
// - A checked push button (the active preset) is drawn in the highlight colour; Fusion draws it
//   as merely pressed, hard to tell from the others in either theme.
#include <QProxyStyle>

namespace aqui {

class ThemeStyle : public QProxyStyle {
  Q_OBJECT
 public:
  ThemeStyle();

  void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                     const QWidget* widget = nullptr) const override;
  void drawControl(ControlElement element, const QStyleOption* option, QPainter* painter,
                   const QWidget* widget = nullptr) const override;
};

}  // namespace aqui
