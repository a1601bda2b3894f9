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

void saveAs(ChartPanel* chart, const QString& format) {
  const QString filter = format == "png" ? "PNG image (*.png)" : "SVG image (*.svg)";
  const QString path =
      QFileDialog::getSaveFileName(chart, "Save " + chart->title(), chart->key() + "." + format, filter);
  if (path.isEmpty()) return;
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
  menu->addAction("Save as PNG…", chart, [chart] { saveAs(chart, "png"); });
  menu->addAction("Save as SVG…", chart, [chart] { saveAs(chart, "svg"); });
  menu->addAction("Copy image", chart, [chart] { QGuiApplication::clipboard()->setImage(chart->renderImage()); });
  save->setMenu(menu);
  return save;
}

}  // namespace aqui
