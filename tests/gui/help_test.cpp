// Help, offscreen: F1 opens the manual with its sections, the anchors the charts link to exist,
// every chart explains itself under Help ▸ What's This?, and a "What's this?" link opens the
// manual at the chart's section.
#include <QAction>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTest>
#include <QTextBrowser>
#include <QWhatsThisClickedEvent>

#include "gui_fixtures.h"
#include "ui/app/launch_director.h"
#include "ui/charts/chart_help.h"
#include "ui/charts/chart_panel.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/comparison_view.h"
#include "ui/help/help_controller.h"
#include "ui/help/manual_window.h"
#include "ui/main_window.h"
#include "ui/settings/theme.h"

using namespace aqui;

namespace {

// Every chart widget of the window's two chart areas, visible or not (the heat map and the
// size-budget chart show only when they have data), so a chart added later is checked too.
std::vector<ChartPanel*> allCharts(MainWindow& w) {
  std::vector<ChartPanel*> charts;
  for (QWidget* area : {static_cast<QWidget*>(guitest::part<aqui::LiveChartsPanel>(w)), static_cast<QWidget*>(w.comparison())})
    for (ChartPanel* c : area->findChildren<ChartPanel*>()) charts.push_back(c);
  return charts;
}

QString linkIn(const QString& whatsThis) {
  static const QRegularExpression href("href=\"([^\"]+)\"");
  const auto m = href.match(whatsThis);
  return m.hasMatch() ? m.captured(1) : QString();
}

}  // namespace

class HelpTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
  }

  void f1OpensTheManualWithItsSections() {
    MainWindow w;
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));  // shortcuts go to the active window
    auto* help = w.findChild<HelpController*>();
    QVERIFY(help);
    QVERIFY(!help->manual());
    QTest::keyClick(&w, Qt::Key_F1);
    QVERIFY(help->manual());
    QVERIFY(help->manual()->isVisible());
    const QString text = help->manual()->browser()->toPlainText();
    for (const char* section : {"A first run", "Concepts", "Bit width", "Group size", "Symmetric or asymmetric",
                                "Range search or min-max", "Streaming or batch", "Keep rules", "Per-layer rules",
                                "GGUF types", "Calibration", "Size budget", "Accuracy figures", "SQNR",
                                "Cosine similarity", "Relative error", "Output SQNR", "The charts", "Memory",
                                "Per-layer accuracy", "Speed", "timestep", "Size versus error", "Layer weight distribution",
                                "The command line", "arrowquant-cli quantize", "--group-size"})
      QVERIFY2(text.contains(section), section);

    // Help ▸ Manual and Help ▸ What's This? are in the menu.
    QMenu* menu = nullptr;
    for (QAction* a : w.menuBar()->actions())
      if (a->text().remove('&') == "Help") menu = a->menu();
    QVERIFY(menu);
    QVERIFY(menu->actions().contains(help->manualAction()));
    QVERIFY(menu->actions().contains(help->whatsThisAction()));
    QCOMPARE(help->manualAction()->shortcut(), QKeySequence(QKeySequence::HelpContents));
  }

  void theManualsLinksAndChartAnchorsExist() {
    ManualWindow m;
    const QStringList anchors = m.anchors();
    QVERIFY(anchors.contains("top"));
    // Every link inside the page goes somewhere.
    QFile f(":/help/manual.html");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(f.readAll());
    static const QRegularExpression internal("href=\"#([^\"]+)\"");
    int links = 0;
    for (auto it = internal.globalMatch(html); it.hasNext(); ++links) {
      const QString a = it.next().captured(1);
      QVERIFY2(anchors.contains(a), qPrintable("no anchor for #" + a));
    }
    QVERIFY(links >= 5);
    // Every chart's section.
    for (const char* key : {"memory", "accuracy", "speed", "timestep-heatmap", "pareto", "compare-accuracy",
                            "size-vs-error", "histogram"}) {
      const QString anchor = chartManualAnchor(key);
      QVERIFY2(!anchor.isEmpty(), key);
      QVERIFY2(anchors.contains(anchor), qPrintable(anchor));
    }
  }

  void everyChartSaysWhatItIs() {
    MainWindow w;
    ManualWindow m;
    const QStringList anchors = m.anchors();
    const auto charts = allCharts(w);
    QVERIFY(charts.size() >= 8);
    for (ChartPanel* c : charts) {
      const QString what = c->whatsThis();
      QVERIFY2(!what.isEmpty(), qPrintable("no What's this? on the chart " + c->key()));
      const QString anchor = anchorOfManualLink(linkIn(what));
      QVERIFY2(anchors.contains(anchor), qPrintable(c->key() + " links to a missing section: " + linkIn(what)));
    }
  }

  void aWhatsThisLinkOpensTheManualThere() {
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    ChartPanel* histogram = nullptr;
    for (ChartPanel* c : allCharts(w))
      if (c->key() == "histogram") histogram = c;
    QVERIFY(histogram);
    // What QWhatsThis sends to the widget when its link is clicked.
    QWhatsThisClickedEvent click(linkIn(histogram->whatsThis()));
    QApplication::sendEvent(histogram, &click);
    auto* help = w.findChild<HelpController*>();
    QVERIFY(help->manual() && help->manual()->isVisible());
    // The histogram's section is near the end: the page has scrolled down to it.
    QTRY_VERIFY(help->manual()->browser()->verticalScrollBar()->value() > 0);
  }

  void theManualFollowsTheTheme() {
    MainWindow w;
    w.setDarkTheme(false);
    ManualWindow m;
    const QColor lightBase = m.browser()->palette().color(QPalette::Base);
    const QString lightCss = m.browser()->document()->defaultStyleSheet();
    w.setDarkTheme(true);
    QCoreApplication::processEvents();
    QVERIFY(m.browser()->palette().color(QPalette::Base).lightness() < 128);
    QVERIFY(lightBase.lightness() > 128);
    QVERIFY(m.browser()->document()->defaultStyleSheet() != lightCss);  // code and tables restyled
    QVERIFY(m.anchors().contains("chart-memory"));                    // and the page reloaded whole
    w.setDarkTheme(false);
  }
};

QTEST_MAIN(HelpTest)
#include "help_test.moc"
