// The settings dock, as a person meets it: every input explains itself in a tooltip (whoever adds
// it), and in both themes the check boxes and radio buttons can be seen and the active preset
// stands out.
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollBar>
#include <QStyleOptionButton>
#include <QTest>
#include <QTextEdit>

#include "gui_fixtures.h"
#include "ui/app/launch_director.h"
#include "ui/main_window.h"
#include "ui/settings/output_format_group.h"
#include "ui/settings/presets.h"
#include "ui/settings/settings_panel.h"
#include "ui/settings/theme.h"

using namespace aqui;

namespace {

bool isInput(const QWidget* w) {
  return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QComboBox*>(w) ||
         qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QLineEdit*>(w) ||
         qobject_cast<const QTextEdit*>(w) || qobject_cast<const QAbstractItemView*>(w) ||
         (qobject_cast<const QAbstractSlider*>(w) && !qobject_cast<const QScrollBar*>(w));
}

// A piece of another input (a spin box's line edit, a table's header, a line edit's clear
// button) is explained by that input.
bool isPartOfAnInput(const QWidget* w, const QWidget* root) {
  for (const QWidget* p = w->parentWidget(); p && p != root; p = p->parentWidget())
    if (isInput(p)) return true;
  return false;
}

// Every input widget under `root` without a tooltip, named so that a failure says which.
QStringList inputsWithoutTooltip(const QWidget* root) {
  QStringList missing;
  for (const QWidget* w : root->findChildren<QWidget*>()) {
    if (!isInput(w) || isPartOfAnInput(w, root) || !w->toolTip().trimmed().isEmpty()) continue;
    QString text;
    if (auto* b = qobject_cast<const QAbstractButton*>(w)) text = b->text();
    missing << QString("%1 '%2' \"%3\"").arg(w->metaObject()->className(), w->objectName(), text);
  }
  return missing;
}

// The colour of the pixels of `w` inside `r`, averaged.
QColor meanColour(const QImage& img, const QRect& r) {
  double red = 0, green = 0, blue = 0;
  int n = 0;
  for (int y = r.top(); y <= r.bottom(); ++y)
    for (int x = r.left(); x <= r.right(); ++x) {
      const QColor c = img.pixelColor(x, y);
      red += c.redF(), green += c.greenF(), blue += c.blueF(), ++n;
    }
  return n ? QColor::fromRgbF(float(red / n), float(green / n), float(blue / n)) : QColor();
}

double distance(const QColor& a, const QColor& b) {
  return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

// How far the indicator of a check box or radio button stands out from the window around it:
// the largest lightness difference of its pixels.
int indicatorContrast(QAbstractButton& button, QStyle::SubElement indicator) {
  button.ensurePolished();
  button.resize(button.sizeHint());
  const QColor window = button.palette().color(QPalette::Window);
  QImage img(button.size(), QImage::Format_ARGB32);
  img.fill(window);
  button.render(&img, {}, {}, QWidget::DrawChildren);
  QStyleOptionButton opt;
  opt.initFrom(&button);
  const QRect r = button.style()->subElementRect(indicator, &opt, &button) & img.rect();
  int best = 0;
  for (int y = r.top(); y <= r.bottom(); ++y)
    for (int x = r.left(); x <= r.right(); ++x)
      best = std::max(best, std::abs(img.pixelColor(x, y).lightness() - window.lightness()));
  return best;
}

QImage renderOf(QWidget& w) {
  QImage img(w.size(), QImage::Format_ARGB32);
  img.fill(w.palette().color(QPalette::Window));
  w.render(&img, {}, {}, QWidget::DrawChildren);
  return img;
}

}  // namespace

class SettingsLookTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
  }
  void cleanupTestCase() { applyTheme(Theme::Light); }
  void everyInputOfTheSettingsDockHasATooltip() {
    MainWindow w;
    auto* dock = w.findChild<QDockWidget*>("settingsDock");
    QVERIFY(dock && dock->widget());
    SettingsPanel* panel = w.settingsPanel();
    RunSettings s = panel->settings();
    // Each output format shows other rows and sets other tooltips (GGUF: why a control is off).
    for (OutputFormat f : {OutputFormat::Packed, OutputFormat::Gguf, OutputFormat::Hdf5}) {
      s.format = f;
      s.group_size = 96;  // a custom group: its spin box shows
      panel->setSettings(s);
      const QStringList missing = inputsWithoutTooltip(dock->widget());
      QVERIFY2(missing.isEmpty(), qPrintable("without a tooltip: " + missing.join(", ")));
    }
    // The checks reach every kind of input the dock has.
    QVERIFY(!dock->widget()->findChildren<QComboBox*>().isEmpty());
    QVERIFY(!dock->widget()->findChildren<QRadioButton*>().isEmpty());
    QVERIFY(!dock->widget()->findChildren<QCheckBox*>().isEmpty());
    QVERIFY(!dock->widget()->findChildren<QAbstractSpinBox*>().isEmpty());
  }

  void settingTooltipsNameTheirCliFlag() {
    SettingsPanel panel;
    for (const char* name : {"bits", "groupSize", "method", "mode", "threads", "output", "outputFormat", "ggmlType",
                             "ggufArchitecture", "calibrationFile", "damping", "actOrder"}) {
      auto* w = panel.findChild<QWidget*>(name);
      QVERIFY2(w, name);
      QVERIFY2(w->toolTip().contains("--") || w->toolTip().contains("-o"), qPrintable(QString(name) + ": " + w->toolTip()));
    }
  }

  void checkBoxesAndRadioButtonsShowInBothThemes() {
    for (Theme t : {Theme::Light, Theme::Dark}) {
      applyTheme(t);
      QCheckBox box("act-order");
      QRadioButton radio("symmetric");
      // Fusion's own dark outline differed from the window by about 15 levels of lightness; its
      // light theme's, which reads well, by about 50.
      const int boxContrast = indicatorContrast(box, QStyle::SE_CheckBoxIndicator);
      const int radioContrast = indicatorContrast(radio, QStyle::SE_RadioButtonIndicator);
      std::printf("%s: check box contrast %d, radio button %d\n", qPrintable(themeName(t)), boxContrast, radioContrast);
      QVERIFY2(boxContrast >= 40, qPrintable(themeName(t)));
      QVERIFY2(radioContrast >= 40, qPrintable(themeName(t)));
    }
  }

  void theActivePresetStandsOut() {
    for (Theme t : {Theme::Light, Theme::Dark}) {
      applyTheme(t);
      SettingsPanel panel;
      panel.show();  // laid out, so each button has its size
      QVERIFY(QTest::qWaitForWindowExposed(&panel));
      panel.applyPreset(Preset::Edge);
      auto* edge = panel.findChild<QPushButton*>("presetEdge");
      auto* local = panel.findChild<QPushButton*>("presetLocal");
      QVERIFY(edge && local);
      QVERIFY(edge->isChecked());
      QVERIFY(!local->isChecked());
      // Drawn in the highlight colour, the others in the button colour.
      const QColor highlight = panel.palette().color(QPalette::Highlight);
      const QColor button = panel.palette().color(QPalette::Button);
      const auto middle = [](QWidget& b) { return meanColour(renderOf(b), b.rect().adjusted(4, 4, -4, -4)); };
      const QColor on = middle(*edge), off = middle(*local);
      QVERIFY2(distance(on, highlight) < distance(on, button), qPrintable(themeName(t) + " on: " + on.name()));
      QVERIFY2(distance(off, button) < distance(off, highlight), qPrintable(themeName(t) + " off: " + off.name()));
      // The line under the buttons marks it too.
      bool marked = false;
      for (QLabel* l : panel.findChildren<QLabel*>()) marked |= l->text().contains("▶ <b>Edge</b>");
      QVERIFY(marked);

      // Edited by hand: no preset is active any more.
      RunSettings s = panel.settings();
      s.bits = 3;
      panel.setSettings(s);
      QVERIFY(!edge->isChecked());
    }
  }
};

QTEST_MAIN(SettingsLookTest)
#include "settings_look_test.moc"
