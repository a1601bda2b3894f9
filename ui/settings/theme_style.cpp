#include "ui/settings/theme_style.h"

#include <QStyleFactory>
#include <QStyleOption>

namespace aqui {

namespace {

bool isDark(const QPalette& p) { return p.color(QPalette::Window).lightness() < 128; }

}  // namespace

ThemeStyle::ThemeStyle() : QProxyStyle(QStyleFactory::create("Fusion")) {}

void ThemeStyle::drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                               const QWidget* widget) const {
  if ((element == PE_IndicatorCheckBox || element == PE_IndicatorRadioButton) && isDark(option->palette)) {
    // Fusion draws the indicator's outline from the Window colour, made darker (by 140 % for a
    // check box, 150 % for a radio button), and uses Window for nothing else there: a light
    // Window gives a light outline. Dimmer when disabled, as the label is.
    QStyleOption o(*option);
    const bool enabled = option->state & State_Enabled;
    o.palette.setColor(QPalette::Window, enabled ? QColor(0xd6, 0xda, 0xe2) : QColor(0x84, 0x88, 0x90));
    if (const auto* b = qstyleoption_cast<const QStyleOptionButton*>(option)) {
      QStyleOptionButton ob(*b);
      ob.palette = o.palette;
      return QProxyStyle::drawPrimitive(element, &ob, painter, widget);
    }
    return QProxyStyle::drawPrimitive(element, &o, painter, widget);
  }
  QProxyStyle::drawPrimitive(element, option, painter, widget);
}

void ThemeStyle::drawControl(ControlElement element, const QStyleOption* option, QPainter* painter,
                             const QWidget* widget) const {
  if (element == CE_PushButton && (option->state & State_On)) {
    if (const auto* b = qstyleoption_cast<const QStyleOptionButton*>(option)) {
      QStyleOptionButton o(*b);
      // The group the button is drawn with: active, inactive (another window has the focus) or disabled.
      const QPalette::ColorGroup g = o.palette.currentColorGroup();
      QColor fill = option->palette.color(QPalette::Active, QPalette::Highlight);
      if (g == QPalette::Disabled) fill.setAlpha(110);  // still marked, but clearly off while a run locks the form
      // Fusion darkens a checked button's colour itself; start lighter so the result is the accent.
      o.palette.setColor(g, QPalette::Button, fill.lighter(112));
      o.palette.setColor(g, QPalette::ButtonText, option->palette.color(QPalette::Active, QPalette::HighlightedText));
      return QProxyStyle::drawControl(element, &o, painter, widget);
    }
  }
  QProxyStyle::drawControl(element, option, painter, widget);
}

}  // namespace aqui
