#include "ui/charts/chart_save_button.h"

#include <QClipboard>
#include <QFileDialog>
#include <QGuiApplication>
#include <QMenu>
#include <QMessageBox>
#include <QToolButton>

#include "ui/charts/chart_exporter.h"

namespace aqui {
namespace {

// Draws exports in `dark` for the duration of one save, then back to the default (light, which
// reports rely on).
struct ExportTheme {
  ExportTheme(ChartPanel* c, bool dark) : chart(c) { chart->setExportDark(dark); }
  ~ExportTheme() { chart->setExportDark(false); }
  ChartPanel* chart;
};

void saveAs(ChartPanel* chart, const QString& format, bool dark) {
  const QString filter = format == "png" ? "PNG image (*.png)" : "SVG image (*.svg)";
  const QString path =
      QFileDialog::getSaveFileName(chart, "Save " + chart->title(), chart->key() + "." + format, filter);
  if (path.isEmpty()) return;
  ExportTheme theme(chart, dark);
  const QString err = format == "png" ? ChartExporter::savePng(*chart, path) : ChartExporter::saveSvg(*chart, path);
  if (!err.isEmpty()) QMessageBox::warning(chart, "Save chart", err);
}

}  // namespace

QToolButton* makeChartSaveButton(ChartPanel* chart) {
  auto* save = new QToolButton;
  save->setText("Save");
  save->setAutoRaise(true);
  save->setToolTip("Save this chart as PNG or SVG, or copy it");
  save->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(save);
  // The first three follow the on-screen theme; in the dark theme, light copies for documents
  // are offered as well.
  menu->addAction("Save as PNG…", chart, [chart] { saveAs(chart, "png", chart->darkTheme()); });
  menu->addAction("Save as SVG…", chart, [chart] { saveAs(chart, "svg", chart->darkTheme()); });
  menu->addAction("Copy image", chart, [chart] {
    ExportTheme theme(chart, chart->darkTheme());
    QGuiApplication::clipboard()->setImage(chart->renderImage());
  });
  menu->addSeparator();
  QAction* light = menu->addAction("Save light PNG (for documents)…", chart, [chart] { saveAs(chart, "png", false); });
  light->setObjectName("saveLightPng");
  QObject::connect(menu, &QMenu::aboutToShow, light, [chart, light] { light->setVisible(chart->darkTheme()); });
  save->setMenu(menu);
  return save;
}

}  // namespace aqui
